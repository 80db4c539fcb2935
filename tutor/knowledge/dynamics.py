"""Dynamics entries: forces and why things move as they do."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="newtons-first-law",
        title="Newton's first law (inertia)",
        topic="dynamics",
        keywords=(
            "newton's first law",
            "inertia",
            "law of inertia",
            "constant velocity no net force",
            "balanced forces",
            "inertial frame",
        ),
        explanation=r"""
            **Newton's first law**: an object stays at rest, or keeps moving at constant
            velocity in a straight line, unless a net external force acts on it. The tendency to
            keep doing what it is doing is **inertia**, and mass measures it. The law says that
            motion itself needs no cause; only changes in motion do. If the forces on an object
            balance,

            $$\sum \vec{F} = 0 \quad\Leftrightarrow\quad \vec{v} = \text{constant}.$$

            So a car cruising at a steady $100\,\mathrm{km/h}$ has zero net force: the driving
            force from the road exactly balances drag and rolling resistance. The first law also
            defines **inertial frames**, the reference frames in which it holds. A braking bus is
            not one: passengers lurch forward without any force pushing them.
        """,
        example=r"""
            A hockey puck slides on ice at $10\,\mathrm{m/s}$. With friction nearly absent, it
            slows by only a few centimetres per second each second and glides the length of the
            rink. Voyager 1, launched in 1977, shows the law at its clearest: far from any
            planet, with no engine firing, it coasts out of the Solar System at about
            $17\,\mathrm{km/s}$, needing no push to keep going. Seat belts exist because of
            inertia: when a car at $15\,\mathrm{m/s}$ stops suddenly, an unbelted passenger keeps
            moving at $15\,\mathrm{m/s}$ until the dashboard or windscreen stops them.
        """,
        simpler=r"""
            Things are lazy. A ball at rest stays put, and a ball rolling on a perfectly smooth
            floor would keep rolling forever. Things only speed up, slow down or turn when
            something pushes or pulls them. In everyday life rolling balls do stop, but only
            because friction and air are secretly pushing back. That laziness is called inertia.
        """,
        alternative=r"""
            For two thousand years Aristotle's view ruled: moving things stop unless something
            keeps pushing them. It matches experience, which is why the first law was a real
            discovery. Galileo broke the spell with a thought experiment. Roll a ball down one
            ramp and up another; it climbs to nearly its starting height whatever the second
            ramp's slope. Flatten the second ramp completely and the ball should roll forever,
            searching for a height it never reaches. Newton put this at the head of his Principia
            in 1687. The modern view is sharper still: "at rest" and "moving steadily" are the
            same state seen from different frames.
        """,
    ),
    ConceptSpec(
        slug="newtons-second-law",
        title="Newton's second law",
        topic="dynamics",
        keywords=(
            "newton's second law",
            "F = ma",
            "net force",
            "force mass acceleration",
            "newtons 2nd law",
            "resultant force",
        ),
        explanation=r"""
            **Newton's second law**: the net force on an object equals its mass times its
            acceleration,

            $$\sum \vec{F} = m\vec{a}.$$

            The acceleration points in the direction of the net force, and for a given force a
            larger mass accelerates less. Force is measured in newtons:
            $1\,\mathrm{N} = 1\,\mathrm{kg\,m/s^2}$. The law uses the **net** (resultant) force,
            the vector sum of every force on the object, so apply it after drawing a free-body
            diagram, one direction at a time: $\sum F_x = ma_x$ and $\sum F_y = ma_y$. In its more
            general form, force is the rate of change of momentum, $\vec{F} = d\vec{p}/dt$, which
            also covers changing mass, such as a rocket burning fuel. The second law turns forces
            into motion: know the forces and you can predict the path.
        """,
        example=r"""
            A $1200\,\mathrm{kg}$ car accelerates at $2.5\,\mathrm{m/s^2}$. The net force needed
            is

            $$F = ma = 1200 \times 2.5 = 3000\,\mathrm{N}.$$

            If air drag and rolling resistance total $600\,\mathrm{N}$, the road must push the
            tyres forward with $3600\,\mathrm{N}$, because only the net force sets the
            acceleration. Now load the car with four passengers of $75\,\mathrm{kg}$ each: the
            mass becomes $1500\,\mathrm{kg}$, and the same $3000\,\mathrm{N}$ net force gives only
            $2.0\,\mathrm{m/s^2}$. That is why a full car feels sluggish.
        """,
        simpler=r"""
            Push an empty shopping trolley and it zooms off. Push a full one just as hard and it
            barely speeds up. Newton's second law says exactly this: the harder you push, the
            faster something speeds up, and the heavier it is, the less it speeds up for the same
            push. In short: force equals mass times acceleration.
        """,
        alternative=r"""
            Read the law backwards and it becomes a way to weigh things without gravity. On the
            International Space Station bathroom scales are useless, so astronauts measure their
            mass with a device that pushes them with a known spring force and tracks how they
            move; mass follows from $m = F/a$. Newton himself stated the law as "change of
            motion" (momentum) proportional to the "motive force impressed". The compact
            $F = ma$ came later, from Euler in the 1750s. The law also works as a definition of
            force, anything that makes a mass accelerate, which lets one standard kilogram
            calibrate every force measurement.
        """,
    ),
    ConceptSpec(
        slug="newtons-third-law",
        title="Newton's third law",
        topic="dynamics",
        keywords=(
            "newton's third law",
            "action and reaction",
            "equal and opposite forces",
            "interaction pairs",
            "third law pairs",
            "rocket propulsion",
            "every action has an equal and opposite reaction",
        ),
        explanation=r"""
            **Newton's third law**: when object A exerts a force on object B, B exerts a force
            on A that is equal in size and opposite in direction:

            $$\vec{F}_{AB} = -\vec{F}_{BA}.$$

            Forces always come in such pairs, because a force is an interaction between two
            objects. The two forces of a pair act on **different** objects, so they never cancel
            each other; that is why things can still accelerate. They are also always the same
            type of force: gravity pairs with gravity, contact with contact. A common trap: the
            weight of a book on a table and the table's upward push on the book are equal and
            opposite, but they are not a third-law pair, because both act on the book. The
            partner of the book's weight is the book's gravitational pull on the Earth.
        """,
        example=r"""
            Stand on a skateboard (total mass $60\,\mathrm{kg}$ with you) and throw a
            $5.0\,\mathrm{kg}$ medicine ball forward with a force of $100\,\mathrm{N}$. The ball
            pushes back on you with $100\,\mathrm{N}$. The ball accelerates at
            $100/5.0 = 20\,\mathrm{m/s^2}$, while you roll backward at only
            $100/60 \approx 1.7\,\mathrm{m/s^2}$: equal forces, unequal accelerations. A rocket
            works the same way. It pushes exhaust gas backward, and the gas pushes the rocket
            forward. It needs no air to push against, which is why rockets work in space.
        """,
        simpler=r"""
            You can't push something without it pushing you back just as hard. When you lean on
            a wall, the wall pushes back on you; that's why you don't fall through it. When you
            jump, your feet push the ground down and the ground pushes you up. Swimmers push
            water backward, and the water pushes them forward.
        """,
        alternative=r"""
            A useful habit is to name every force with two labels: "force on ___ by ___". Swap
            the labels and you have its third-law partner: "force on the car by the road" pairs
            with "force on the road by the car". This bookkeeping makes the law almost impossible
            to misuse. It also reveals its deeper meaning, momentum conservation in disguise: if
            A and B only push on each other, whatever momentum A gains, B loses, so their total
            never changes. Physicists now treat that link as the fundamental statement, because
            momentum conservation survives even where the simple pairing fails, such as moving
            charges, once field momentum is counted.
        """,
    ),
    ConceptSpec(
        slug="free-body-diagrams",
        title="Free-body diagrams",
        topic="dynamics",
        keywords=(
            "free body diagram",
            "force diagram",
            "fbd",
            "drawing forces",
            "normal force",
            "forces on an inclined plane",
        ),
        explanation=r"""
            A **free-body diagram** shows one object, isolated from everything around it, with an
            arrow for every force acting **on** it. It is the first step of almost every dynamics
            problem. Draw the object as a dot or box. Add each force from something touching it
            (normal force, friction, tension, a push) and each force acting at a distance (weight
            $mg$, electric or magnetic forces). Leave out forces the object exerts on others, and
            never add a "force of motion": motion is not a force. Then choose axes, often along
            the acceleration, resolve the forces into components, and apply Newton's second law
            in each direction:

            $$\sum F_x = ma_x, \qquad \sum F_y = ma_y.$$

            On an incline of angle $\theta$, tilt the axes: the weight splits into
            $mg\sin\theta$ down the slope and $mg\cos\theta$ into it.
        """,
        example=r"""
            A $4.0\,\mathrm{kg}$ box slides down a frictionless $30^\circ$ slope. Its free-body
            diagram shows two forces: weight $mg = 39.2\,\mathrm{N}$ straight down, and the
            normal force $N$ perpendicular to the slope. With axes along and perpendicular to
            the slope:

            $$N = mg\cos 30^\circ \approx 34\,\mathrm{N}, \qquad
            a = \frac{mg\sin 30^\circ}{m} = g\sin 30^\circ \approx 4.9\,\mathrm{m/s^2}.$$

            Notice that the normal force is less than the weight, and that no "downhill force"
            was added: the push down the slope is just a component of gravity. Adding friction
            would add a third arrow, pointing up the slope.
        """,
        simpler=r"""
            A free-body diagram is a simple sketch: draw the thing you care about, then draw
            arrows for every push and pull on it. Gravity pulls down. The floor pushes up. A rope
            pulls along the rope. Friction drags against sliding. Once all the arrows are there,
            you can see whether they balance, or which way the object will speed up.
        """,
        alternative=r"""
            Engineers call the same idea "cutting the system". Imagine slicing around the object
            with scissors: everywhere your cut crosses a rope, a surface or a joint, something
            outside was acting on it, and you must draw that force. Gravity is the only common
            force that reaches in without touching. This is how bridge designers can analyse one
            beam or one bolt at a time: cut around it, draw what its neighbours do to it, and
            demand balance. Teachers insist on these sketches for a practical reason: students
            who draw them stop inventing forces that do not exist.
        """,
    ),
    ConceptSpec(
        slug="friction",
        title="Friction",
        topic="dynamics",
        keywords=(
            "friction",
            "static friction",
            "kinetic friction",
            "coefficient of friction",
            "sliding friction",
            "mu N",
        ),
        explanation=r"""
            **Friction** is the contact force that opposes sliding between surfaces. It acts
            along the surface, against the relative motion, or against the motion that would
            happen without it. **Static friction** holds surfaces together without slipping; it
            adjusts to whatever is needed, up to a maximum:

            $$f_s \leq \mu_s N.$$

            Once sliding starts, **kinetic friction** is roughly constant:

            $$f_k = \mu_k N,$$

            where $N$ is the normal force and $\mu$ the coefficient of friction, which depends on
            the two materials. Usually $\mu_k < \mu_s$, which is why it is harder to start a
            heavy box moving than to keep it moving. To a good approximation friction does not
            depend on the contact area or the sliding speed. Friction with the ground is what
            lets us walk, drive and brake.
        """,
        example=r"""
            A $10\,\mathrm{kg}$ box rests on a floor with $\mu_s = 0.40$ and $\mu_k = 0.30$. The
            normal force is $N = mg = 98\,\mathrm{N}$. To start it moving you must exceed
            $f_s = 0.40 \times 98 \approx 39\,\mathrm{N}$. Once it slides, keeping it at constant
            speed needs only

            $$F = \mu_k N = 0.30 \times 98 \approx 29\,\mathrm{N},$$

            because the net force must be zero. Push with $39\,\mathrm{N}$ while it slides and
            the extra $10\,\mathrm{N}$ accelerates it at about $1.0\,\mathrm{m/s^2}$. Anti-lock
            brakes keep tyres just short of skidding, so that static friction, the larger of the
            two, stops the car sooner.
        """,
        simpler=r"""
            Friction is the grip between two surfaces. Slide a book across a table: it slows
            down and stops because the surfaces rub and grip each other. Rough surfaces grip
            more, smooth or icy ones less. Friction can be annoying, wearing out your shoes, but
            you need it: without it you couldn't walk, and cars couldn't stop.
        """,
        alternative=r"""
            Under a microscope, even polished surfaces are mountain ranges. Two blocks touch
            only at the tips of these bumps, called asperities, so the true contact area is tiny,
            often under a thousandth of the apparent area. Pressing harder squashes the tips and
            increases the real contact in proportion to the load, which is why friction grows
            with the normal force but not with the apparent area. Leonardo da Vinci recorded
            these rules around 1500, Amontons rediscovered them in 1699, and Coulomb separated
            static from kinetic friction in 1785. The atomic-scale details are still researched
            in a field called tribology.
        """,
    ),
    ConceptSpec(
        slug="tension",
        title="Tension in strings and pulleys",
        topic="dynamics",
        keywords=(
            "tension",
            "rope tension",
            "string",
            "pulley",
            "atwood machine",
            "massless string",
        ),
        explanation=r"""
            **Tension** is the pulling force transmitted along a string, rope, cable or chain. It
            always pulls away from the object, along the string; a string can pull but never
            push. For an ideal string (massless and inextensible), the tension is the same all
            along it, and an ideal pulley (massless, frictionless) changes the direction of the
            tension without changing its size. Objects joined by a taut string share the same
            magnitude of acceleration. To find tension, draw a free-body diagram for each object
            and apply $\sum F = ma$ to each. For two masses hung over a pulley (an Atwood
            machine),

            $$a = \frac{(m_2 - m_1)g}{m_1 + m_2}, \qquad T = \frac{2m_1m_2 g}{m_1 + m_2}.$$

            Tension equals the hanging weight only when the hanging object is not accelerating.
        """,
        example=r"""
            Masses of $2.0\,\mathrm{kg}$ and $3.0\,\mathrm{kg}$ hang on either side of a light,
            frictionless pulley, and the heavier one falls. For the $3.0\,\mathrm{kg}$ mass:
            $3.0g - T = 3.0a$; for the $2.0\,\mathrm{kg}$ mass: $T - 2.0g = 2.0a$. Adding the
            two equations gives

            $$a = \frac{(3.0 - 2.0)(9.81)}{5.0} \approx 1.96\,\mathrm{m/s^2}, \qquad
            T = 2.0(9.81 + 1.96) \approx 23.5\,\mathrm{N}.$$

            The tension lies between the two weights, $19.6$ and $29.4\,\mathrm{N}$: strong
            enough to lift the lighter mass, too weak to hold the heavier one still.
        """,
        simpler=r"""
            When you pull a rope, the pull travels along it to whatever is tied to the other
            end. That pull is tension. In a tug-of-war, both teams feel the rope's tension
            pulling them toward the middle. A rope can only pull, never push: try pushing
            something with a rope and it just goes floppy.
        """,
        alternative=r"""
            Zoom in on a rope and tension becomes a chain of tiny tug-of-wars. Cut the rope
            anywhere in your imagination: the piece on the left pulls the piece on the right,
            and vice versa, with equal force. That force at the imaginary cut is the tension at
            that point. This explains why a heavy rope hanging from a ceiling has more tension at
            the top: the top section holds up all the rope below it. Crane and lift engineers
            think this way. Before hoisting a load, they calculate the largest tension expected,
            including acceleration, and choose steel cable rated several times stronger.
        """,
    ),
    ConceptSpec(
        slug="centripetal-force",
        title="Centripetal force",
        topic="dynamics",
        keywords=(
            "centripetal force",
            "force towards the centre",
            "circular motion force",
            "banked curve",
            "centrifugal force",
            "mv^2/r",
        ),
        explanation=r"""
            An object moving in a circle needs a net force toward the centre, the **centripetal
            force**:

            $$F_c = \frac{mv^2}{r} = m\omega^2 r.$$

            It is not a new kind of force. It is whatever real force, or combination of forces,
            points inward: tension for a ball on a string, friction for a car on a flat bend,
            gravity for a satellite, the normal force for a rider in a loop. If the inward force
            is smaller than $mv^2/r$, the object drifts outward onto a wider path; if it
            vanishes, the object leaves along the tangent. The "centrifugal force" people feel
            pushing them outward is not a real force in the ground's frame; it is their own
            inertia, carrying them straight on while the car turns.
        """,
        example=r"""
            A $0.50\,\mathrm{kg}$ ball on a $1.2\,\mathrm{m}$ string goes round a horizontal
            circle at $4.0\,\mathrm{m/s}$. The string must supply

            $$F = \frac{mv^2}{r} = \frac{0.50 \times 4.0^2}{1.2} \approx 6.7\,\mathrm{N}.$$

            For a car on a flat bend, friction provides the force: $\mu mg \geq mv^2/r$, so the
            top speed is $v = \sqrt{\mu g r}$. With $\mu = 0.8$ and $r = 50\,\mathrm{m}$,
            $v \approx 20\,\mathrm{m/s}$, or $72\,\mathrm{km/h}$. On ice, with $\mu = 0.1$, it
            falls to about $7\,\mathrm{m/s}$. Banked curves let the normal force supply part of
            the inward force.
        """,
        simpler=r"""
            To go round in a circle, something has to keep pulling you toward the middle. On a
            roundabout at the playground, you grip the bar, and the bar pulls you inward. A car
            turning a corner uses the grip of its tyres on the road. If the pull isn't strong
            enough, like a car on an icy road, you slide off in a straight line.
        """,
        alternative=r"""
            The name comes from Newton's Latin: centripetal, "centre-seeking". Before him,
            Descartes and Huygens spoke instead of a centrifugal tendency to flee the centre.
            Both descriptions fit, from different frames. Standing on the ground, you see a real
            inward force bending a path. Riding inside a spinning drum, you feel flung outward,
            and in that rotating frame it is convenient to add a fictitious outward force to
            balance the books. Washing machine spin cycles exploit the difference: the drum holds
            the clothes in, but nothing holds the water, which escapes through the holes along
            straight lines.
        """,
    ),
    ConceptSpec(
        slug="gravitation-orbits",
        title="Universal gravitation and orbits",
        topic="dynamics",
        keywords=(
            "newton's law of gravitation",
            "gravity",
            "orbits",
            "orbital speed",
            "satellites",
            "kepler's third law",
            "gravitational field strength",
            "why the moon does not fall",
        ),
        explanation=r"""
            Every pair of masses attracts with a force along the line joining them, given by
            **Newton's law of universal gravitation**:

            $$F = \frac{G m_1 m_2}{r^2}, \qquad G = 6.67\times10^{-11}\,\mathrm{N\,m^2/kg^2}.$$

            The inverse-square law means doubling the separation quarters the force. Near a
            planet of mass $M$, the gravitational field strength is $g = GM/r^2$, which gives
            $9.81\,\mathrm{N/kg}$ at Earth's surface. An **orbit** is free fall with enough
            sideways speed that the ground curves away as fast as the object falls. For a
            circular orbit, gravity supplies the centripetal force, $GMm/r^2 = mv^2/r$, so

            $$v = \sqrt{\frac{GM}{r}}, \qquad T^2 = \frac{4\pi^2}{GM}r^3,$$

            the second being Kepler's third law. Orbital speed does not depend on the
            satellite's mass.
        """,
        example=r"""
            The International Space Station orbits $400\,\mathrm{km}$ up, at
            $r = 6.37\times10^6 + 4.0\times10^5 = 6.77\times10^6\,\mathrm{m}$ from Earth's
            centre. With $GM = 3.99\times10^{14}\,\mathrm{m^3/s^2}$:

            $$v = \sqrt{\frac{3.99\times10^{14}}{6.77\times10^{6}}} \approx 7.7\,\mathrm{km/s},
            \qquad T = \frac{2\pi r}{v} \approx 92\,\mathrm{min}.$$

            Its crew see about sixteen sunrises a day. Gravity at that height is still
            $g = GM/r^2 \approx 8.7\,\mathrm{N/kg}$, about 89 % of its surface value: astronauts
            float because they are falling, not because gravity is absent.
        """,
        simpler=r"""
            Everything with mass pulls on everything else. You pull on the Earth and it pulls on
            you, much harder because it's so big. The Moon is pulled by the Earth too, so why
            doesn't it crash down? It is moving sideways so fast that, as it falls, it keeps
            missing the Earth. That endless falling-and-missing is an orbit.
        """,
        alternative=r"""
            Newton's insight was to connect an apple to the Moon. If Earth's pull weakens as one
            over distance squared, then at the Moon's distance, sixty Earth radii away, it should
            be $3600$ times weaker than at the surface. The Moon's measured centripetal
            acceleration, about $2.7\times10^{-3}\,\mathrm{m/s^2}$, matched $9.8/3600$. One law
            covered falling fruit and the heavens. Henry Cavendish measured $G$ in 1798 with a
            torsion balance, lead spheres twisting a fine wire, which let him "weigh the Earth".
            In 1846, small irregularities in the orbit of Uranus led astronomers to predict, and
            find, Neptune.
        """,
    ),
    ConceptSpec(
        slug="torque",
        title="Torque and rotational equilibrium",
        topic="dynamics",
        keywords=(
            "torque",
            "moment of a force",
            "turning effect",
            "lever arm",
            "rotational equilibrium",
            "principle of moments",
        ),
        explanation=r"""
            **Torque**, or the moment of a force, measures how strongly a force makes something
            rotate about a pivot. It depends on the size of the force and on how far from the
            pivot, and at what angle, it acts:

            $$\tau = rF\sin\theta = F d_\perp,$$

            where $r$ is the distance from the pivot to where the force acts, $\theta$ the angle
            between $\vec{r}$ and $\vec{F}$, and $d_\perp$ the perpendicular distance from the
            pivot to the force's line of action. Its unit is $\mathrm{N\,m}$. A force aimed
            straight at the pivot produces no torque. As a vector, $\vec{\tau} = \vec{r}\times
            \vec{F}$. An object is in **rotational equilibrium** when the torques balance:
            clockwise moments equal anticlockwise moments about any point. Together with
            $\sum\vec{F} = 0$, this is the condition for a structure to stay still.
        """,
        example=r"""
            A $40\,\mathrm{N}$ force pushes perpendicular to a door, $0.25\,\mathrm{m}$ from the
            hinge. The torque is

            $$\tau = rF = 0.25 \times 40 = 10\,\mathrm{N\,m}.$$

            Push at the handle, $0.80\,\mathrm{m}$ from the hinge, and only $12.5\,\mathrm{N}$
            gives the same torque. On a seesaw, a $30\,\mathrm{kg}$ child sitting
            $2.0\,\mathrm{m}$ from the pivot balances a $40\,\mathrm{kg}$ child at
            $1.5\,\mathrm{m}$: $30g \times 2.0 = 40g \times 1.5$, both about
            $590\,\mathrm{N\,m}$. If the lighter child slides further out, the seesaw tips her
            way.
        """,
        simpler=r"""
            Torque is the "turning power" of a push. Try opening a door by pushing right next to
            the hinges: it's really hard. Push at the handle, far from the hinges, and it swings
            easily. The same push has more turning power the further it is from the pivot.
            That's why spanners have long handles, and why a seesaw lets a small child lift a
            bigger one.
        """,
        alternative=r"""
            Archimedes stated the law of the lever around 250 BC: weights balance when inversely
            proportional to their distances from the fulcrum. "Give me a place to stand and I
            will move the Earth," he is said to have boasted. Torque generalises his rule to any
            force at any angle. Geometrically, extend the force into a long line; the torque is
            the force times the shortest distance from the pivot to that line. This is why
            tightening a bolt with a spanner held at an awkward slant feels weak: your push's
            line passes close to the bolt. Car brochures quote engine torque in newton-metres
            for the same quantity.
        """,
    ),
)
