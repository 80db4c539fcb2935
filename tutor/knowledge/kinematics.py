"""Kinematics entries: describing motion."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="displacement-velocity-acceleration",
        title="Displacement, velocity and acceleration",
        topic="kinematics",
        keywords=(
            "displacement",
            "velocity",
            "acceleration",
            "speed vs velocity",
            "distance vs displacement",
            "average velocity",
        ),
        explanation=r"""
            **Displacement** is the change in position, a vector:
            $\Delta\vec{x} = \vec{x}_f - \vec{x}_i$. Distance is the total path length, a scalar,
            and can be larger. **Velocity** is the rate of change of displacement, and
            **acceleration** the rate of change of velocity:

            $$\vec{v} = \frac{d\vec{x}}{dt}, \qquad \vec{a} = \frac{d\vec{v}}{dt}.$$

            Averages over a time interval use finite changes: $\bar{v} = \Delta x/\Delta t$ and
            $\bar{a} = \Delta v/\Delta t$. Speed is the magnitude of velocity. Because velocity
            is a vector, an object accelerates whenever its speed or its direction changes, even
            at constant speed on a curve. The sign of the acceleration does not mean "speeding
            up" or "slowing down": a negative acceleration speeds up an object already moving in
            the negative direction.
        """,
        example=r"""
            A car accelerates from rest to $20\,\mathrm{m/s}$ in $5.0\,\mathrm{s}$. Its average
            acceleration is

            $$a = \frac{\Delta v}{\Delta t} = \frac{20 - 0}{5.0} = 4.0\,\mathrm{m/s^2}.$$

            A runner completes one lap of a $400\,\mathrm{m}$ track in $80\,\mathrm{s}$. Her
            average speed is $400/80 = 5.0\,\mathrm{m/s}$, but she finishes where she started, so
            her displacement is zero and so is her average velocity. Halfway round she has run
            $200\,\mathrm{m}$, yet her displacement is only the straight-line distance across the
            infield, roughly half of that.
        """,
        simpler=r"""
            Distance is how far you walked; displacement is how far you ended up from where you
            started, and in which direction. Walk around the block back to your door: lots of
            distance, zero displacement. Velocity is how fast you're going and which way.
            Acceleration is how quickly your velocity changes: pressing the accelerator, braking
            and turning a corner all count.
        """,
        alternative=r"""
            Picture a dashboard with three dials: one shows your position on a map, one your
            velocity (a speedometer with a compass needle), one your acceleration (what presses
            you into the seat). Each dial is the rate of the previous one. Galileo was the first
            to separate them clearly. Rolling balls down gentle ramps around 1604, he found that
            distances grew as the square of the time, which only makes sense if speed grows
            steadily. Aristotle's physics never made that distinction. Your body is an
            accelerometer, not a speedometer: on a smooth flight at $250\,\mathrm{m/s}$ you feel
            nothing at all.
        """,
    ),
    ConceptSpec(
        slug="motion-graphs",
        title="Motion graphs",
        topic="kinematics",
        keywords=(
            "displacement-time graph",
            "velocity-time graph",
            "gradient of a graph",
            "area under velocity-time graph",
            "motion graphs",
            "x-t graph",
        ),
        explanation=r"""
            Motion graphs turn kinematics into geometry. On a **position–time graph**, the slope
            (gradient) at any point is the velocity: a straight line means constant velocity, a
            curve means acceleration. On a **velocity–time graph**, the slope is the acceleration
            and the area between the line and the time axis is the displacement:

            $$a = \frac{\Delta v}{\Delta t}, \qquad \Delta x = \int v\,dt.$$

            Area below the axis counts as negative displacement, meaning motion backwards. On an
            **acceleration–time graph**, the area gives the change in velocity. When reading a
            graph, always ask three questions: what is on each axis, what does the slope mean,
            and what does the area mean. Many exam mistakes come from reading a velocity graph as
            if it showed position.
        """,
        example=r"""
            A lift starts from rest, accelerates upward at $1.0\,\mathrm{m/s^2}$ for
            $2\,\mathrm{s}$, moves at a steady $2.0\,\mathrm{m/s}$ for $6\,\mathrm{s}$, then
            slows uniformly to rest in $2\,\mathrm{s}$. Its velocity–time graph is a trapezium,
            with slopes $+1.0$, $0$ and $-1.0\,\mathrm{m/s^2}$. The height climbed is the area:

            $$\Delta x = \frac{1}{2}(2)(2.0) + 6(2.0) + \frac{1}{2}(2)(2.0) = 16\,\mathrm{m}.$$

            On a position–time graph the same trip is a curve bending upward, then a straight
            line, then a curve flattening out to horizontal.
        """,
        simpler=r"""
            A graph tells the story of a journey. On a graph of where you are against time, a
            steep line means you're moving fast and a flat line means you've stopped. On a graph
            of speed against time, a line going up means speeding up. The space under the speed
            line tells you how far you travelled.
        """,
        alternative=r"""
            Graphs of motion are older than algebraic kinematics. Around 1350, Nicole Oresme in
            Paris drew time along a horizontal line and speed as vertical bars. He noticed that
            for steadily increasing speed the bars fill a triangle, so the distance equals that
            covered at the average speed for the whole time: the mean speed theorem, proved
            geometrically almost three centuries before Galileo used it. Today data loggers and
            phone apps draw these graphs live from sensors, and physicists often read answers
            faster from a shape than from equations: a steeper tangent, a bigger area, a kink
            where a force switched on.
        """,
    ),
    ConceptSpec(
        slug="suvat-equations",
        title="Constant-acceleration (SUVAT) equations",
        topic="kinematics",
        keywords=(
            "suvat",
            "equations of motion",
            "constant acceleration equations",
            "kinematic equations",
            "v = u + at",
            "braking distance",
            "stopping distance",
        ),
        explanation=r"""
            When acceleration is **constant**, five quantities describe straight-line motion:
            displacement $s$, initial velocity $u$, final velocity $v$, acceleration $a$ and time
            $t$. They are linked by the SUVAT equations:

            $$v = u + at, \qquad s = ut + \frac{1}{2}at^2,$$

            $$v^2 = u^2 + 2as, \qquad s = \frac{1}{2}(u + v)\,t.$$

            Each equation leaves out one quantity, so pick the one without the quantity you
            neither know nor need. Choose a positive direction first and give every vector a
            sign. The equations come from integrating a constant acceleration twice. They fail
            when the acceleration changes, for instance with air resistance or a varying force;
            then use calculus or energy methods instead.
        """,
        example=r"""
            A car travelling at $30\,\mathrm{m/s}$ brakes with a constant deceleration of
            $6.0\,\mathrm{m/s^2}$. How far does it travel before stopping? Known: $u = 30$,
            $v = 0$, $a = -6.0$; wanted: $s$; time not needed. So use $v^2 = u^2 + 2as$:

            $$0 = 30^2 + 2(-6.0)s \quad\Rightarrow\quad s = \frac{900}{12} = 75\,\mathrm{m}.$$

            The time taken follows from $v = u + at$: $t = 30/6.0 = 5.0\,\mathrm{s}$. Doubling
            the speed to $60\,\mathrm{m/s}$ quadruples the braking distance to $300\,\mathrm{m}$,
            because $s \propto u^2$.
        """,
        simpler=r"""
            If something speeds up or slows down at a steady rate, like a car braking gently and
            evenly, its motion follows a few simple rules. Knowing any three of these things (how
            far, starting speed, final speed, how quickly it speeds up, and how long) you can work
            out the other two. That's what the "SUVAT" equations are for.
        """,
        alternative=r"""
            Every SUVAT equation is a fact about one picture: the velocity–time graph of constant
            acceleration, a straight sloping line. Its slope is $a$, which rearranges to
            $v = u + at$. The area under it is a rectangle of height $u$ plus a triangle on top;
            adding those areas gives $s = ut + \frac{1}{2}at^2$. Treating the area as the mean of
            the start and end heights times the width gives $s = \frac{1}{2}(u + v)t$. Eliminate
            $t$ between two of them and $v^2 = u^2 + 2as$ appears. So instead of memorising a
            list, sketch the line, shade the area, and read off the equation you need.
        """,
    ),
    ConceptSpec(
        slug="free-fall",
        title="Free fall",
        topic="kinematics",
        keywords=(
            "free fall",
            "acceleration due to gravity",
            "g = 9.81",
            "dropped objects",
            "falling objects",
            "do heavier objects fall faster",
        ),
        explanation=r"""
            An object in **free fall** moves under gravity alone, with air resistance
            negligible. Near Earth's surface every such object has the same downward
            acceleration,

            $$g \approx 9.81\,\mathrm{m/s^2},$$

            whatever its mass. A heavier object feels a larger gravitational force, but it also
            has proportionally more inertia, so $a = F/m = mg/m = g$. Free fall is
            constant-acceleration motion, so the SUVAT equations apply with $a = -g$ (taking up
            as positive). Dropped from rest, an object falls $h = \frac{1}{2}gt^2$ in time $t$
            and reaches speed $v = gt$. Objects thrown upward are in free fall too: on the way
            up, at the top and on the way down, the acceleration is $g$ downward. At the top the
            velocity is momentarily zero, but the acceleration is not.
        """,
        example=r"""
            A ball is dropped from a $45\,\mathrm{m}$ tall building. How long does it take to
            land? From $h = \frac{1}{2}gt^2$:

            $$t = \sqrt{\frac{2h}{g}} = \sqrt{\frac{2(45)}{9.81}} \approx 3.0\,\mathrm{s}.$$

            Its landing speed is $v = gt \approx 29.7\,\mathrm{m/s}$, about
            $107\,\mathrm{km/h}$. On the Moon, where $g = 1.62\,\mathrm{m/s^2}$, the same drop
            takes $7.5\,\mathrm{s}$. In 1971 astronaut David Scott showed the mass independence
            there, dropping a hammer and a feather together: with no air, they landed at the
            same instant.
        """,
        simpler=r"""
            Drop a heavy book and a light one together, and they hit the floor at the same time.
            Gravity pulls harder on the heavy book, but the heavy book is also harder to get
            moving, and the two effects cancel exactly. Only air spoils this: a feather flutters
            because air pushes back on it. Without air, everything falls the same way, getting
            faster by about 10 metres per second every second.
        """,
        alternative=r"""
            Legend has Galileo dropping balls from the Leaning Tower of Pisa; his real evidence
            came from slowing the fall down. Balls rolling down shallow ramps accelerate less, so
            he could time them with water clocks and show that distance grows as time squared.
            Newton later framed the deeper puzzle: the mass that gravity pulls on and the mass
            that resists acceleration are equal. Einstein took that equality as a principle: a
            person falling freely feels weightless, as astronauts aboard the International Space
            Station do. The station is not beyond gravity; it and everything inside it fall
            together around Earth.
        """,
    ),
    ConceptSpec(
        slug="projectile-motion",
        title="Projectile motion",
        topic="kinematics",
        keywords=(
            "projectile motion",
            "trajectory",
            "range of a projectile",
            "launch angle",
            "parabola",
            "horizontal and vertical motion",
        ),
        explanation=r"""
            A **projectile** is an object moving under gravity alone after launch. Its motion
            splits into two independent parts. Horizontally there is no force (ignoring air), so
            velocity is constant; vertically the acceleration is $g$ downward. For launch speed
            $u$ at angle $\theta$ above the horizontal:

            $$x = (u\cos\theta)\,t, \qquad y = (u\sin\theta)\,t - \frac{1}{2}gt^2.$$

            Eliminating $t$ gives a parabola. On level ground the time of flight is
            $T = 2u\sin\theta/g$ and the range is

            $$R = \frac{u^2\sin 2\theta}{g},$$

            largest at $45^\circ$; complementary angles such as $30^\circ$ and $60^\circ$ give
            equal ranges. At the top the vertical velocity is zero but the horizontal velocity
            is not, so the speed is smallest there, not zero.
        """,
        example=r"""
            A football is kicked at $20\,\mathrm{m/s}$ at $30^\circ$ above level ground.
            Components: $u_x = 20\cos 30^\circ = 17.3\,\mathrm{m/s}$ and
            $u_y = 20\sin 30^\circ = 10.0\,\mathrm{m/s}$. Time of flight:
            $T = 2u_y/g = 2(10.0)/9.81 = 2.04\,\mathrm{s}$. Range:

            $$R = u_x T = 17.3 \times 2.04 \approx 35\,\mathrm{m}.$$

            Maximum height: $H = u_y^2/2g = 100/19.6 \approx 5.1\,\mathrm{m}$. In reality air
            drag shortens the range noticeably, and the best angle for a real ball is below
            $45^\circ$.
        """,
        simpler=r"""
            Throw a ball and it follows a curved path, like a rainbow shape. That curve comes
            from two simple things happening at once: the ball keeps drifting sideways at a
            steady speed, while gravity pulls it down faster and faster. Put those together and
            you get the arc. Throwing at a medium angle, not too flat and not too steep, sends it
            furthest.
        """,
        alternative=r"""
            Here is a famous test: fire a bullet horizontally and, at the same instant, drop
            another from the same height. They land together, because sideways speed changes
            nothing about falling. Newton pushed this thought further with his "cannon on a
            mountain": fire faster and the shot lands further away, until at about
            $8\,\mathrm{km/s}$ the ground curves away as fast as the shot drops, and it never
            lands. That is an orbit, and every thrown ball traces a small piece of one. Before
            Galileo, artillery manuals drew cannonballs flying straight and then dropping
            vertically; his parabola was an early triumph of mathematical physics.
        """,
    ),
    ConceptSpec(
        slug="relative-velocity",
        title="Relative velocity",
        topic="kinematics",
        keywords=(
            "relative velocity",
            "frame of reference",
            "velocity relative to",
            "river crossing",
            "boat and current",
            "plane in a crosswind",
        ),
        explanation=r"""
            Velocity is always measured **relative** to some reference frame. If object A moves
            with velocity $\vec{v}_{A}$ and object B with $\vec{v}_{B}$, both measured from the
            ground, the velocity of A as seen from B is

            $$\vec{v}_{AB} = \vec{v}_{A} - \vec{v}_{B}.$$

            Velocities chain like subscripts: $\vec{v}_{AC} = \vec{v}_{AB} + \vec{v}_{BC}$. In
            one dimension, two cars approaching head-on at $25\,\mathrm{m/s}$ each close the gap
            at $50\,\mathrm{m/s}$; cars at $25$ and $20\,\mathrm{m/s}$ in the same direction
            separate at $5\,\mathrm{m/s}$. In two dimensions, add the vectors using components
            or a right-angled triangle. This Galilean rule works at everyday speeds; near the
            speed of light, special relativity replaces it.
        """,
        example=r"""
            A boat points straight across a river and moves at $4.0\,\mathrm{m/s}$ relative to
            the water. The river flows at $3.0\,\mathrm{m/s}$. Relative to the bank, the boat's
            velocity is the vector sum:

            $$v = \sqrt{4.0^2 + 3.0^2} = 5.0\,\mathrm{m/s}, \qquad
            \theta = \arctan\frac{3.0}{4.0} \approx 37^\circ$$

            downstream of straight across. If the river is $80\,\mathrm{m}$ wide, the crossing
            takes $80/4.0 = 20\,\mathrm{s}$, and the current carries the boat
            $3.0 \times 20 = 60\,\mathrm{m}$ downstream. To land directly opposite, the boat must
            aim partly upstream so that part of its velocity cancels the current.
        """,
        simpler=r"""
            Speed depends on who is watching. On a train going 30 metres per second, a person
            walking forward at 1 metre per second is moving at 1 to the other passengers, but at
            31 to someone standing on the platform. Relative velocity just means: how fast does
            it look from where I am? You add or subtract speeds depending on the directions.
        """,
        alternative=r"""
            The trick that solves most of these problems is to jump into the moving frame. On a
            river, ride along with the water: in that frame the river is still, and the boat
            simply goes where it points. Then add the water's drift to translate back to the
            bank. Pilots do the same with wind. Sailors found a surprising consequence: a boat
            feels an "apparent wind" that differs from the true wind, which lets fast modern
            craft sail faster than the wind itself. Galileo argued the principle in 1632 with a
            ship's cabin: below deck, on a smoothly sailing ship, no experiment reveals that you
            are moving.
        """,
    ),
    ConceptSpec(
        slug="uniform-circular-motion",
        title="Uniform circular motion",
        topic="kinematics",
        keywords=(
            "circular motion",
            "centripetal acceleration",
            "angular velocity",
            "period of rotation",
            "constant speed in a circle",
            "v^2/r",
        ),
        explanation=r"""
            An object moving in a circle at constant speed is still **accelerating**, because
            its direction keeps changing. The acceleration points toward the centre (it is
            **centripetal**) and has size

            $$a = \frac{v^2}{r} = \omega^2 r,$$

            where $r$ is the radius and $\omega$ the angular velocity in radians per second.
            Speed and angular velocity are linked by $v = \omega r$, and one revolution takes the
            period $T = 2\pi r/v = 2\pi/\omega$. The velocity is always tangent to the circle and
            perpendicular to the acceleration, which is why the speed never changes: the
            acceleration only turns the velocity. Any centripetal acceleration needs a net inward
            force, supplied by tension, friction, gravity or a normal force.
        """,
        example=r"""
            A car rounds a bend of radius $50\,\mathrm{m}$ at $15\,\mathrm{m/s}$, or
            $54\,\mathrm{km/h}$. Its centripetal acceleration is

            $$a = \frac{v^2}{r} = \frac{15^2}{50} = 4.5\,\mathrm{m/s^2},$$

            nearly half of $g$. Double the speed and the acceleration quadruples to
            $18\,\mathrm{m/s^2}$, more than tyre friction can usually provide. Another case: the
            Moon orbits at $r = 3.84\times10^{8}\,\mathrm{m}$ with a period of $27.3$ days,
            giving $a = 4\pi^2 r/T^2 \approx 2.7\times10^{-3}\,\mathrm{m/s^2}$, the figure Newton
            used to test his law of gravity.
        """,
        simpler=r"""
            Swing a bucket on a rope in a circle. The bucket wants to fly off in a straight
            line; the rope keeps pulling it inward, turning it all the time. That constant inward
            turning counts as acceleration, even if the bucket's speed stays the same. Let go of
            the rope and the bucket shoots off in a straight line, in the direction it was moving
            at that moment.
        """,
        alternative=r"""
            Draw the velocity arrow of an object on a circle at many moments, then slide each
            arrow so its tail sits at one point. As the object goes round, the arrow tips trace
            their own circle, of radius $v$, in the same period. The velocity itself moves in a
            circle! Its rate of change, the acceleration, is therefore the "speed" around that
            velocity circle: $2\pi v/T$, which equals $v^2/r$. Huygens derived the result in 1659
            by a similar geometric argument, and Newton reached it independently. The picture
            makes the key fact obvious: the acceleration is always a quarter turn ahead of the
            velocity, pointing inward.
        """,
    ),
)
