"""Energy and momentum entries."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="work",
        title="Work done by a force",
        topic="energy-momentum",
        keywords=(
            "work done",
            "work",
            "force times distance",
            "W = Fd cos theta",
            "joule",
            "work-energy theorem",
        ),
        explanation=r"""
            A force does **work** on an object when the object moves along the direction of the
            force. For a constant force $F$ acting through a displacement $d$, at angle $\theta$
            between them,

            $$W = Fd\cos\theta = \vec{F}\cdot\vec{d}.$$

            Work is measured in joules: $1\,\mathrm{J} = 1\,\mathrm{N\,m}$. It can be positive
            (the force helps the motion), negative (it opposes the motion, like friction or
            braking) or zero (the force is perpendicular to the motion, like string tension on a
            ball whirled in a circle). Holding a heavy bag still does no work on it, however
            tiring it feels. For a varying force, $W = \int F\,dx$, the area under a
            force–distance graph. The **work–energy theorem** says the net work on an object
            equals its change in kinetic energy: $W_{\text{net}} = \Delta E_k$.
        """,
        example=r"""
            You push a crate $5.0\,\mathrm{m}$ across a floor with a horizontal
            $200\,\mathrm{N}$ force. The work you do is $W = 200 \times 5.0 = 1000\,\mathrm{J}$.
            Now pull it the same distance with a rope at $30^\circ$ above the horizontal, still
            with $200\,\mathrm{N}$:

            $$W = 200 \times 5.0 \times \cos 30^\circ \approx 870\,\mathrm{J}.$$

            The vertical part of the pull does no work, because the crate does not move up. If
            friction of $150\,\mathrm{N}$ acts in the first case, it does $-750\,\mathrm{J}$ of
            work, and the crate gains $1000 - 750 = 250\,\mathrm{J}$ of kinetic energy.
        """,
        simpler=r"""
            In physics, "work" means using a force to move something. Lifting a box onto a shelf
            is work; pushing a trolley along a corridor is work. Pushing hard against a wall that
            doesn't budge feels tiring, but in physics it's zero work, because nothing moved.
            More force, or moving something further, means more work, measured in joules.
        """,
        alternative=r"""
            Work is energy in transit: the bookkeeping entry made when a force moves energy from
            one place to another. When you lift a book, chemical energy in your muscles becomes
            gravitational energy of the book, and the work tells you how much changed hands. The
            concept was shaped by nineteenth-century engineers judging what engines were worth,
            by weight raised through height; Gaspard-Gustave Coriolis gave it the name "travail"
            in 1829. A lever or a ramp lets you push with less force over a longer distance, but
            the work stays the same: no machine gives you energy for free.
        """,
    ),
    ConceptSpec(
        slug="kinetic-energy",
        title="Kinetic energy",
        topic="energy-momentum",
        keywords=(
            "kinetic energy",
            "energy of motion",
            "1/2 mv^2",
            "KE formula",
            "speed squared",
            "vis viva",
        ),
        explanation=r"""
            **Kinetic energy** is the energy an object has because it is moving:

            $$E_k = \frac{1}{2}mv^2.$$

            It depends on mass and on the **square** of speed, so doubling speed quadruples the
            kinetic energy, while doubling mass only doubles it. Kinetic energy is a scalar:
            direction does not matter, and it is never negative. It follows from the work–energy
            theorem: accelerating a mass from rest with a constant net force $F$ over a distance
            $s$ gives $v^2 = 2as$, so $Fs = mas = \frac{1}{2}mv^2$. The net work done on an object
            equals its change in kinetic energy. It is related to momentum by $E_k = p^2/2m$. At
            speeds approaching light the formula must be replaced by the relativistic one,
            $E_k = (\gamma - 1)mc^2$.
        """,
        example=r"""
            A $1500\,\mathrm{kg}$ car at $20\,\mathrm{m/s}$ ($72\,\mathrm{km/h}$) has

            $$E_k = \frac{1}{2}(1500)(20)^2 = 300\,000\,\mathrm{J} = 300\,\mathrm{kJ}.$$

            At $30\,\mathrm{m/s}$ it has $675\,\mathrm{kJ}$: more than twice as much for 50 %
            more speed. The brakes must turn all of it into heat to stop the car, and with the
            same braking force the stopping distance grows in the same ratio, 2.25 times. That is
            why small increases in speed make crashes so much more dangerous. A
            $0.15\,\mathrm{kg}$ cricket ball bowled at $40\,\mathrm{m/s}$ carries
            $120\,\mathrm{J}$.
        """,
        simpler=r"""
            Anything that's moving has energy just because it's moving; that's kinetic energy. A
            heavier thing moving has more, and a faster thing has much more: go twice as fast and
            you have four times the energy. That's why a car crash at high speed is so much worse
            than a bump in a car park.
        """,
        alternative=r"""
            Why $v^2$ and not $v$? That question split natural philosophers in the early 1700s.
            Followers of Descartes measured "quantity of motion" as $mv$; Leibniz argued for "vis
            viva", $mv^2$. Émilie du Châtelet made the decisive case around 1740, using experiments by Willem
            's Gravesande, who dropped brass balls into soft clay from different heights. A ball
            arriving twice as fast dug a dent four times deeper, not twice. Both quantities
            turned out to matter: $mv$ became momentum, and half of $mv^2$ became kinetic
            energy. A dent in clay is work done against the clay, which is why it tracks energy.
        """,
    ),
    ConceptSpec(
        slug="potential-energy",
        title="Potential energy",
        topic="energy-momentum",
        keywords=(
            "potential energy",
            "gravitational potential energy",
            "mgh",
            "elastic potential energy",
            "stored energy",
            "spring energy",
        ),
        explanation=r"""
            **Potential energy** is energy stored in the arrangement of a system, because of the
            forces between its parts. Lift an object of mass $m$ through a height $h$ near
            Earth's surface and its **gravitational potential energy** rises by

            $$\Delta E_p = mgh.$$

            Stretch or compress a spring of stiffness $k$ by $x$ and it stores **elastic
            potential energy**

            $$E_{\text{el}} = \frac{1}{2}kx^2.$$

            Only changes in potential energy matter physically, so you may choose where it is
            zero, usually the ground or the spring's natural length. Potential energy exists only
            for **conservative** forces such as gravity, springs and electric forces, whose work
            depends only on the start and end points, not the path. Friction has no potential
            energy: what it takes does not come back. Far from Earth, use $E_p = -GMm/r$ instead
            of $mgh$.
        """,
        example=r"""
            A $60\,\mathrm{kg}$ hiker climbs from a valley to a summit $800\,\mathrm{m}$ higher.
            Her gravitational potential energy increases by

            $$\Delta E_p = mgh = 60 \times 9.81 \times 800 \approx 4.7\times10^{5}\,\mathrm{J},$$

            about $110$ food calories (kcal), though her body burns several times that, because
            muscles are only about 25 % efficient. A toy dart gun compresses a spring with
            $k = 400\,\mathrm{N/m}$ by $5.0\,\mathrm{cm}$, storing
            $\frac{1}{2}(400)(0.050)^2 = 0.50\,\mathrm{J}$. Released, that energy launches a
            $10\,\mathrm{g}$ dart at $v = \sqrt{2(0.50)/0.010} = 10\,\mathrm{m/s}$.
        """,
        simpler=r"""
            Potential energy is stored-up energy, waiting to be used. A book on a high shelf has
            it: knock it off and it speeds up as it falls. A stretched rubber band has it: let go
            and it snaps back. The higher you lift something, or the more you stretch a spring,
            the more energy is stored.
        """,
        alternative=r"""
            Picture a landscape of hills and valleys where height represents potential energy. A
            marble placed anywhere rolls downhill, toward lower energy, and the slope at each
            point gives the force: $F = -dE_p/dx$. Valleys are stable resting places; hilltops
            are balancing points where the slightest nudge sends it away. This "energy landscape"
            picture is used far beyond mechanics: chemists draw reaction paths over energy hills,
            and biologists describe proteins folding into valleys. Pumped-storage power plants
            use it literally, pumping water uphill when electricity is cheap and letting it run
            down through turbines when it is needed.
        """,
    ),
    ConceptSpec(
        slug="energy-conservation",
        title="Conservation of energy",
        topic="energy-momentum",
        keywords=(
            "conservation of energy",
            "energy is conserved",
            "mechanical energy",
            "energy transfer",
            "energy cannot be created or destroyed",
            "isolated system",
        ),
        explanation=r"""
            The **law of conservation of energy**: in an isolated system the total energy stays
            constant. Energy is never created or destroyed; it only changes form or moves between
            objects. When only conservative forces such as gravity and springs do work,
            **mechanical energy** is conserved:

            $$\frac{1}{2}mv_1^2 + mgh_1 = \frac{1}{2}mv_2^2 + mgh_2.$$

            With friction or air resistance, mechanical energy decreases, but the "lost" energy
            appears as thermal energy in the surfaces and the air, so the total is still
            conserved. Energy methods are powerful because energy is a scalar: you compare start
            and finish without tracing the path or knowing the forces at every moment.
        """,
        example=r"""
            A $2.0\,\mathrm{kg}$ rock is dropped from $10\,\mathrm{m}$. Ignoring air resistance,
            all its potential energy becomes kinetic:

            $$mgh = \frac{1}{2}mv^2 \quad\Rightarrow\quad v = \sqrt{2gh} = \sqrt{2(9.81)(10)}
            \approx 14\,\mathrm{m/s}.$$

            The mass cancels, so any rock gives the same answer. A roller coaster starting at
            rest on a $40\,\mathrm{m}$ hill reaches about $28\,\mathrm{m/s}$ at the bottom,
            whatever the shape of the track, and it can never climb back above
            $40\,\mathrm{m}$. Real coasters reach less, since friction and drag convert part of
            the energy into heat and sound.
        """,
        simpler=r"""
            Energy is like money that can be swapped between different currencies but never
            made or destroyed. A falling ball swaps height energy for speed energy. When a bike
            brakes, its speed energy turns into heat in the brakes. It can look as if energy
            disappears, but it always goes somewhere: warmth, sound or light. Add it all up and
            the total never changes.
        """,
        alternative=r"""
            The law was not obvious; it was assembled in the 1840s from very different clues.
            Julius Robert Mayer, a ship's doctor, noticed that sailors' venous blood was brighter
            red in the tropics and reasoned that the body burns less fuel to stay warm there.
            James Joule let a falling weight turn a paddle wheel in water and measured the tiny
            temperature rise, showing that a fixed amount of work always gives the same heat.
            Hermann von Helmholtz stated conservation as a general principle in 1847. In 1918
            Emmy Noether showed why it holds: energy is conserved because the laws of physics do
            not change with time.
        """,
    ),
    ConceptSpec(
        slug="power",
        title="Power",
        topic="energy-momentum",
        keywords=(
            "power",
            "rate of doing work",
            "watt",
            "P = W/t",
            "power output",
            "horsepower",
            "kilowatt-hour",
        ),
        explanation=r"""
            **Power** is the rate at which work is done or energy is transferred:

            $$P = \frac{W}{t} = \frac{\Delta E}{\Delta t}.$$

            Its unit is the watt: $1\,\mathrm{W} = 1\,\mathrm{J/s}$. Power tells you how fast
            energy changes hands, not how much: a kettle and a candle may eventually deliver the
            same energy, but the kettle does it far faster. For a force moving an object at
            velocity $v$ along the force, $P = Fv$, which is why a car at high speed needs much
            more engine power just to balance drag. In electric circuits, $P = IV$. Efficiency
            compares useful output to input: $\eta = P_{\text{out}}/P_{\text{in}}$. Electricity
            bills use the kilowatt-hour, which is an energy unit:
            $1\,\mathrm{kWh} = 3.6\times10^{6}\,\mathrm{J}$.
        """,
        example=r"""
            A $60\,\mathrm{kg}$ student runs up $3.0\,\mathrm{m}$ of stairs in $4.0\,\mathrm{s}$.
            The work done against gravity is $mgh = 60 \times 9.81 \times 3.0 \approx
            1770\,\mathrm{J}$, so

            $$P = \frac{1770}{4.0} \approx 440\,\mathrm{W},$$

            about $0.6$ horsepower. Walking up in $12\,\mathrm{s}$ does the same work at about
            $150\,\mathrm{W}$. A $2.0\,\mathrm{kW}$ kettle running for $3$ minutes uses
            $2.0 \times 0.05 = 0.10\,\mathrm{kWh}$ of energy; boiled once a day for a year, that
            adds up to about $37\,\mathrm{kWh}$.
        """,
        simpler=r"""
            Power is how fast you use energy. Running up the stairs and walking up them take the
            same energy, because you lift yourself the same height, but running takes more power
            because you do it faster. A bright 100-watt bulb uses energy faster than a dim
            10-watt one. Power is measured in watts.
        """,
        alternative=r"""
            James Watt needed to sell steam engines to mine owners who thought in horses, so
            around 1782 he estimated what a mill horse could do and defined the "horsepower":
            $33\,000$ foot-pounds per minute, about $746\,\mathrm{W}$. The unit named after him
            later replaced it in science. A helpful picture treats power as the flow rate of
            energy, like litres per second from a tap, while energy is the water collected in the
            bucket. A person doing steady work manages about $100\,\mathrm{W}$; a top racing
            cyclist can hold around $400\,\mathrm{W}$ for an hour; a large power station
            delivers $1\,\mathrm{GW}$.
        """,
    ),
    ConceptSpec(
        slug="momentum",
        title="Momentum and its conservation",
        topic="energy-momentum",
        keywords=(
            "momentum",
            "conservation of momentum",
            "linear momentum",
            "p = mv",
            "recoil",
            "total momentum",
        ),
        explanation=r"""
            **Momentum** is mass times velocity:

            $$\vec{p} = m\vec{v},$$

            a vector measured in $\mathrm{kg\,m/s}$. Newton's second law in its general form says
            the net force equals the rate of change of momentum, $\vec{F} = d\vec{p}/dt$. The
            **law of conservation of momentum**: if no net external force acts on a system, its
            total momentum stays constant,

            $$\sum \vec{p}_{\text{before}} = \sum \vec{p}_{\text{after}}.$$

            This holds in every collision and explosion, whatever the internal forces, because by
            Newton's third law internal forces come in equal and opposite pairs whose effects
            cancel. Unlike kinetic energy, momentum is conserved in all collisions, elastic or
            not. Momentum is a vector, so conserve each component separately and keep track of
            signs.
        """,
        example=r"""
            A $3.0\,\mathrm{kg}$ rifle fires a $0.010\,\mathrm{kg}$ bullet at
            $400\,\mathrm{m/s}$. Before firing the total momentum is zero, so afterwards it must
            still be zero:

            $$0 = (0.010)(400) + (3.0)v_r \quad\Rightarrow\quad v_r \approx -1.3\,\mathrm{m/s}.$$

            The rifle recoils backward at $1.3\,\mathrm{m/s}$, carrying the same momentum,
            $4.0\,\mathrm{kg\,m/s}$, in the opposite direction. Astronauts use the same
            principle: throwing a $2\,\mathrm{kg}$ tool at $3\,\mathrm{m/s}$ sends an
            $80\,\mathrm{kg}$ astronaut drifting the other way at about $0.075\,\mathrm{m/s}$.
        """,
        simpler=r"""
            Momentum is "how hard it is to stop something". A slow lorry and a fast tennis ball
            can both have lots of it. When things crash or push apart, the total momentum before
            and after stays the same. Jump off a small boat onto a dock and the boat shoots
            backwards: you and the boat push apart, and your momenta cancel out.
        """,
        alternative=r"""
            Think of momentum as a currency that objects trade when they interact. In any
            exchange, what one object gains, the other loses, so the total in circulation never
            changes. Descartes proposed a conserved "quantity of motion" in 1644, though he
            ignored direction; Wallis, Wren and Huygens fixed that in 1668 by studying colliding
            balls. Modern physics sees momentum conservation as a consequence of symmetry: the
            laws of physics are the same everywhere in space. Rockets illustrate it well. They
            have no road to push against; they throw mass backward at high speed, and the
            rocket's forward momentum matches that of its exhaust.
        """,
    ),
    ConceptSpec(
        slug="impulse",
        title="Impulse",
        topic="energy-momentum",
        keywords=(
            "impulse",
            "change in momentum",
            "force times time",
            "impulse-momentum theorem",
            "crumple zones",
            "force-time graph",
        ),
        explanation=r"""
            **Impulse** is the effect of a force acting over a time. For a constant force $F$
            acting for a time $\Delta t$,

            $$J = F\Delta t = \Delta p = mv - mu.$$

            This is the **impulse–momentum theorem**, Newton's second law written for a time
            interval. For a varying force, the impulse is the area under the force–time graph,
            $J = \int F\,dt$. Its unit, $\mathrm{N\,s}$, equals $\mathrm{kg\,m/s}$. The theorem
            explains much of safety engineering: a given change in momentum can come from a large
            force for a short time or a small force for a long time. Crumple zones, airbags,
            bending your knees when landing and padded helmets all lengthen the stopping time,
            so the average force, $F = \Delta p/\Delta t$, is smaller.
        """,
        example=r"""
            A $0.060\,\mathrm{kg}$ tennis ball hits a wall at $25\,\mathrm{m/s}$ and rebounds at
            $20\,\mathrm{m/s}$. Taking the rebound direction as positive, its change in momentum
            is

            $$\Delta p = 0.060(20) - 0.060(-25) = 2.7\,\mathrm{kg\,m/s}.$$

            The reversal makes the change larger than either momentum alone. If contact lasts
            $0.010\,\mathrm{s}$, the average force is $2.7/0.010 = 270\,\mathrm{N}$, about 460
            times the ball's weight. An airbag that stretches a $70\,\mathrm{kg}$ driver's stop
            from $15\,\mathrm{m/s}$ over $0.10\,\mathrm{s}$ instead of $0.010\,\mathrm{s}$ cuts
            the average force from $105\,\mathrm{kN}$ to $10.5\,\mathrm{kN}$.
        """,
        simpler=r"""
            Catching an egg? Move your hands back as you catch it and it doesn't break. Stopping
            something always needs the same total "shove", but you can choose a big shove very
            quickly or a gentle shove spread over a longer time. Slow and gentle is safer. That's
            why cars have airbags and crumple zones, and why you bend your knees when you land
            from a jump.
        """,
        alternative=r"""
            A force plate, like those used by sports scientists, makes impulse visible. Jump off
            one and the screen draws force against time: a broad hump for a deliberate squat
            jump, a tall spike for a quick hop. The area under each hump gives your take-off
            momentum, and hence how high you will rise, without ever measuring speed directly.
            Designers of running shoes and gym mats work on the shape rather than the area. They
            cannot change the area needed to stop a landing, but they can flatten a sharp spike
            into a lower, wider hump, which is much kinder to joints.
        """,
    ),
    ConceptSpec(
        slug="collisions",
        title="Elastic and inelastic collisions",
        topic="energy-momentum",
        keywords=(
            "collisions",
            "elastic collision",
            "inelastic collision",
            "perfectly inelastic",
            "coefficient of restitution",
            "objects stick together",
        ),
        explanation=r"""
            In every collision between isolated objects, **momentum is conserved**. What differs
            is kinetic energy. In an **elastic** collision kinetic energy is also conserved; in an
            **inelastic** collision some becomes heat, sound and deformation; in a **perfectly
            inelastic** collision the objects stick together and the loss is as large as momentum
            conservation allows. For two bodies in one dimension:

            $$m_1u_1 + m_2u_2 = m_1v_1 + m_2v_2.$$

            If they stick together, $v = (m_1u_1 + m_2u_2)/(m_1 + m_2)$. In an elastic collision
            kinetic energy is conserved as well, and a useful consequence is that the speed of
            separation equals the speed of approach. Real collisions lie between the extremes,
            described by the coefficient of restitution $e$, from $0$ (sticking) to $1$
            (elastic).
        """,
        example=r"""
            A $5.0\,\mathrm{kg}$ cart at $4.0\,\mathrm{m/s}$ hits a $3.0\,\mathrm{kg}$ cart at
            rest, and they couple together. Momentum conservation gives

            $$v = \frac{5.0 \times 4.0}{5.0 + 3.0} = 2.5\,\mathrm{m/s}.$$

            Kinetic energy before: $\frac{1}{2}(5.0)(4.0)^2 = 40\,\mathrm{J}$; after:
            $\frac{1}{2}(8.0)(2.5)^2 = 25\,\mathrm{J}$. So $15\,\mathrm{J}$ became heat and
            sound. Had the collision been elastic, the first cart would have continued at
            $1.0\,\mathrm{m/s}$ and the second would have moved off at $5.0\,\mathrm{m/s}$,
            keeping all $40\,\mathrm{J}$.
        """,
        simpler=r"""
            When things crash, the total "oomph" (momentum) is always the same before and after.
            But the energy of motion can leak away as noise, heat and dents. Snooker balls bounce
            off each other losing almost nothing: that's an elastic collision. Two lumps of clay
            that splat together and stick lose lots: that's an inelastic collision.
        """,
        alternative=r"""
            Step into the frame moving with the centre of mass and every collision looks simple.
            There the total momentum is zero, so the two objects approach each other and
            afterwards move apart with momenta still equal and opposite. An elastic collision
            just reverses each velocity; a perfectly inelastic one leaves both at rest; anything
            else is a partial rebound. Particle physicists use this view constantly: colliders
            such as the LHC smash beams head-on so that the lab frame is the centre-of-mass
            frame, and no energy is wasted on moving the debris along. Newton himself measured
            rebounds of balls made of wool, cork, steel and glass.
        """,
    ),
)
