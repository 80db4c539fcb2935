"""Dynamics: forces and Newton's laws."""

from math import radians

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="dynamics",
    name="Dynamics",
    description=(
        "Forces and Newton's laws: weight, normal force, friction, tension, springs, inclines, "
        "circular motion and gravitation."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="dynamics-net-force-accelerating-car",
        topic="dynamics",
        difficulty="easy",
        title="Net force on an accelerating car",
        statement=md(r"""
            A car of mass $m = 1200\,\mathrm{kg}$ accelerates at $a = 2.5\,\mathrm{m/s^2}$.
            What net force acts on it (in kN)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Newton's second law:
            $$F = m a = 1200 \cdot 2.5 = 3000\,\mathrm{N} = 3.0\,\mathrm{kN}$$

            **Answer:** $F = 3.0\,\mathrm{kN}$.
        """),
        concept="Newton's second law",
        params={"m": 1200.0, "a": 2.5},
        answer=3.0,
        unit="kN",
    ),
    QuestionSpec(
        slug="dynamics-weight-on-the-moon",
        topic="dynamics",
        difficulty="easy",
        title="Weight on the Moon",
        statement=md(r"""
            An astronaut has a mass of $m = 75\,\mathrm{kg}$. The gravitational field strength at
            the
            Moon's surface is $g_M = 1.62\,\mathrm{m/s^2}$. What is her weight there (in N)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Weight is mass times the local gravitational field strength; the mass itself is the
            same everywhere:
            $$W = m g_M = 75 \cdot 1.62 = 122\,\mathrm{N}$$
            (On Earth it would be $736\,\mathrm{N}$.)

            **Answer:** $W \approx 122\,\mathrm{N}$.
        """),
        concept="mass and weight",
        params={"m": 75.0, "gM": 1.62},
        answer=121.5,
        unit="N",
    ),
    QuestionSpec(
        slug="dynamics-spring-extension-hanging-mass",
        topic="dynamics",
        difficulty="easy",
        title="Stretching a spring with a weight",
        statement=md(r"""
            A mass $m = 0.50\,\mathrm{kg}$ hangs at rest from a spring with spring constant
            $k = 40\,\mathrm{N/m}$. By how much is the spring stretched (in cm)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            At rest the spring force balances the weight, $k x = m g$:
            $$x = \frac{m g}{k} = \frac{0.50 \cdot 9.81}{40} = 0.123\,\mathrm{m} =
            12.3\,\mathrm{cm}$$

            **Answer:** $x \approx 12.3\,\mathrm{cm}$.
        """),
        concept="Hooke's law and equilibrium",
        params={"m": 0.50, "k": 40.0, "g": 9.81},
        answer=12.26,
        unit="cm",
    ),
    QuestionSpec(
        slug="dynamics-kinetic-friction-on-box",
        topic="dynamics",
        difficulty="easy",
        title="Friction on a sliding box",
        statement=md(r"""
            A box of mass $m = 20\,\mathrm{kg}$ slides across a level floor. The coefficient of
            kinetic friction is $\mu_k = 0.30$. What is the friction force on the box (in N)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            On a level floor the normal force equals the weight, $N = mg$, so
            $$F_f = \mu_k N = \mu_k m g = 0.30 \cdot 20 \cdot 9.81 = 58.9\,\mathrm{N}$$

            **Answer:** $F_f \approx 58.9\,\mathrm{N}$.
        """),
        concept="kinetic friction",
        params={"m": 20.0, "mu": 0.30, "g": 9.81},
        answer=58.86,
        unit="N",
    ),
    QuestionSpec(
        slug="dynamics-third-law-collision-choice",
        topic="dynamics",
        difficulty="easy",
        title="Truck versus car",
        statement=md(r"""
            A $m_T = 20\,000\,\mathrm{kg}$ truck collides head-on with a $m_C = 1000\,\mathrm{kg}$
            car. During the collision, how does the force of the truck on the car compare with the
            force of the car on the truck?
        """),
        answer_kind="choice",
        solution=md(r"""
            Newton's third law: the two forces are an interaction pair, equal in magnitude and
            opposite in direction, whatever the masses or speeds. What differs is the
            **acceleration**: the car's is 20 times larger, since $a = F/m$.

            **Answer:** they are equal in magnitude.
        """),
        concept="Newton's third law",
        options=(
            OptionSpec("a", "The force on the car is larger"),
            OptionSpec("b", "The force on the truck is larger"),
            OptionSpec("c", "They are equal in magnitude"),
            OptionSpec("d", "It depends on which vehicle was moving faster"),
        ),
        correct_option="c",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="dynamics-incline-with-friction-acceleration",
        topic="dynamics",
        difficulty="medium",
        title="Sliding down a rough ramp",
        statement=md(r"""
            A crate slides down a ramp inclined at $\theta = 30^\circ$. The coefficient of kinetic
            friction is $\mu_k = 0.20$. What is its acceleration (in m/s²)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Perpendicular to the ramp the forces balance: $N = m g \cos\theta$.

            Along the ramp, gravity's component pulls down and friction opposes the motion:
            $$m a = m g \sin\theta - \mu_k m g \cos\theta$$
            $$a = g(\sin\theta - \mu_k \cos\theta) = 9.81\,(0.500 - 0.20 \cdot 0.866) =
            3.21\,\mathrm{m/s^2}$$

            **Answer:** $a \approx 3.21\,\mathrm{m/s^2}$.
        """),
        concept="inclined plane with friction",
        params={"theta": radians(30.0), "mu": 0.20, "g": 9.81},
        answer=3.206,
        unit="m/s²",
    ),
    QuestionSpec(
        slug="dynamics-scale-reading-in-accelerating-lift",
        topic="dynamics",
        difficulty="medium",
        title="Bathroom scale in a lift",
        statement=md(r"""
            A person of mass $m = 70\,\mathrm{kg}$ stands on a scale in a lift that accelerates
            upward at $a = 1.5\,\mathrm{m/s^2}$. What force does the scale read (in N)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            The scale reads the normal force $N$. Newton's second law, up positive:
            $$N - m g = m a \quad\Rightarrow\quad N = m(g + a)$$
            $$N = 70\,(9.81 + 1.5) = 792\,\mathrm{N}$$
            That is more than the weight $mg = 687\,\mathrm{N}$: the person feels heavier.

            **Answer:** $N \approx 792\,\mathrm{N}$.
        """),
        concept="apparent weight, Newton's second law",
        params={"m": 70.0, "a": 1.5, "g": 9.81},
        answer=791.7,
        unit="N",
    ),
    QuestionSpec(
        slug="dynamics-atwood-machine-acceleration",
        topic="dynamics",
        difficulty="medium",
        title="Atwood machine",
        statement=md(r"""
            Two masses $m_1 = 3.0\,\mathrm{kg}$ and $m_2 = 5.0\,\mathrm{kg}$ hang on either side of
            a light, frictionless pulley, joined by a light string. What is the magnitude of their
            acceleration (in m/s²)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Write Newton's second law for each mass (the string tension $T$ is the same on both
            sides, $m_2$ moves down):
            $$m_2 g - T = m_2 a, \qquad T - m_1 g = m_1 a$$
            Adding eliminates $T$:
            $$a = \frac{(m_2 - m_1) g}{m_1 + m_2} = \frac{2.0 \cdot 9.81}{8.0} =
            2.45\,\mathrm{m/s^2}$$

            **Answer:** $a \approx 2.45\,\mathrm{m/s^2}$.
        """),
        concept="connected bodies, Newton's second law",
        params={"m1": 3.0, "m2": 5.0, "g": 9.81},
        answer=2.453,
        unit="m/s²",
    ),
    QuestionSpec(
        slug="dynamics-maximum-speed-on-flat-curve",
        topic="dynamics",
        difficulty="medium",
        title="Cornering on a flat road",
        statement=md(r"""
            A car rounds a flat curve of radius $r = 50\,\mathrm{m}$. The coefficient of static
            friction between tyres and road is $\mu_s = 0.80$. What is the maximum speed at which it
            can take the curve without skidding (in m/s)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Static friction supplies the centripetal force, up to its maximum $\mu_s m g$:
            $$\frac{m v^2}{r} \le \mu_s m g$$
            The mass cancels:
            $$v_{\max} = \sqrt{\mu_s g r} = \sqrt{0.80 \cdot 9.81 \cdot 50} = 19.8\,\mathrm{m/s}$$
            (about $71\,\mathrm{km/h}$).

            **Answer:** $v_{\max} \approx 19.8\,\mathrm{m/s}$.
        """),
        concept="centripetal force from friction",
        params={"r": 50.0, "mu": 0.80, "g": 9.81},
        answer=19.81,
        unit="m/s",
    ),
    QuestionSpec(
        slug="dynamics-tension-in-lift-at-constant-speed-choice",
        topic="dynamics",
        difficulty="medium",
        title="Cable tension at constant speed",
        statement=md(r"""
            A lift cabin of mass $m$ is pulled upward by its cable at a **constant** speed of
            $v = 2.0\,\mathrm{m/s}$. Ignoring friction, what is the tension $T$ in the cable?
        """),
        answer_kind="choice",
        solution=md(r"""
            Constant velocity means zero acceleration, so the net force is zero (Newton's first
            law): $T - mg = 0$. A force is needed to **change** motion, not to keep it up; $T > mg$
            only while the lift speeds up going upward.

            **Answer:** $T = mg$.
        """),
        concept="Newton's first law, equilibrium",
        options=(
            OptionSpec("a", r"$T > mg$, because the lift is moving up"),
            OptionSpec("b", r"$T = mg$"),
            OptionSpec("c", r"$T < mg$"),
            OptionSpec("d", r"$T = mg + m v$"),
        ),
        correct_option="b",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="dynamics-table-and-hanging-mass-tension",
        topic="dynamics",
        difficulty="hard",
        title="Block on a rough table pulled by a hanging mass",
        statement=md(r"""
            A block $m_1 = 4.0\,\mathrm{kg}$ on a horizontal table is tied by a light string over a
            frictionless pulley at the table's edge to a hanging mass $m_2 = 2.0\,\mathrm{kg}$.
            The coefficient of kinetic friction between block and table is $\mu_k = 0.25$.
            Once moving, what is the tension in the string (in N)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Newton's second law for each body, with the common acceleration $a$:
            $$m_2 g - T = m_2 a, \qquad T - \mu_k m_1 g = m_1 a$$
            Add them to find $a$:
            $$a = \frac{m_2 g - \mu_k m_1 g}{m_1 + m_2} = \frac{19.62 - 9.81}{6.0} =
            1.64\,\mathrm{m/s^2}$$
            Then the tension from the hanging mass's equation:
            $$T = m_2 (g - a) = 2.0\,(9.81 - 1.635) = 16.4\,\mathrm{N}$$
            It is less than the hanging weight ($19.6\,\mathrm{N}$), as it must be for $m_2$ to
            accelerate downward.

            **Answer:** $T \approx 16.4\,\mathrm{N}$.
        """),
        concept="connected bodies with friction",
        params={"m1": 4.0, "m2": 2.0, "mu": 0.25, "g": 9.81},
        answer=16.35,
        unit="N",
    ),
    QuestionSpec(
        slug="dynamics-banked-curve-design-speed",
        topic="dynamics",
        difficulty="hard",
        title="Design speed of a banked curve",
        statement=md(r"""
            A motorway curve of radius $r = 120\,\mathrm{m}$ is banked at $\theta = 12^\circ$.
            At what speed can a car take it with no friction needed at all (in km/h)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Only gravity and the normal force act. Vertically they balance, horizontally the normal
            force's component is the centripetal force:
            $$N \cos\theta = m g, \qquad N \sin\theta = \frac{m v^2}{r}$$
            Divide the equations:
            $$\tan\theta = \frac{v^2}{g r} \quad\Rightarrow\quad v = \sqrt{g r \tan\theta} =
            \sqrt{9.81 \cdot 120 \cdot 0.2126} = 15.8\,\mathrm{m/s}$$
            In km/h: $15.8 \cdot 3.6 = 56.9\,\mathrm{km/h}$.

            **Answer:** $v \approx 56.9\,\mathrm{km/h}$.
        """),
        concept="banked curve, centripetal force",
        params={"r": 120.0, "theta": radians(12.0), "g": 9.81},
        answer=56.95,
        unit="km/h",
    ),
    QuestionSpec(
        slug="dynamics-skydiver-terminal-velocity",
        topic="dynamics",
        difficulty="hard",
        title="Terminal velocity of a skydiver",
        statement=md(r"""
            A skydiver of mass $m = 80\,\mathrm{kg}$ (with gear) falls belly-down. The drag force
            is $F_D = \frac{1}{2} \rho C_D A v^2$ with air density $\rho = 1.2\,\mathrm{kg/m^3}$,
            drag coefficient $C_D = 1.0$ and frontal area $A = 0.70\,\mathrm{m^2}$.
            What is the terminal velocity (in m/s)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            As the speed grows, so does the drag, until it balances the weight and the
            acceleration is zero:
            $$\frac{1}{2} \rho C_D A v_t^2 = m g$$
            $$v_t = \sqrt{\frac{2 m g}{\rho C_D A}} = \sqrt{\frac{2 \cdot 80 \cdot 9.81}{1.2 \cdot
            1.0 \cdot 0.70}} = \sqrt{1869} = 43.2\,\mathrm{m/s}$$
            (about $156\,\mathrm{km/h}$, close to observed values).

            **Answer:** $v_t \approx 43.2\,\mathrm{m/s}$.
        """),
        concept="terminal velocity, quadratic drag",
        params={"m": 80.0, "rho": 1.2, "CD": 1.0, "A": 0.70, "g": 9.81},
        answer=43.23,
        unit="m/s",
    ),
    QuestionSpec(
        slug="dynamics-incline-acceleration-derivation",
        topic="dynamics",
        difficulty="hard",
        title="Why mass drops out on a ramp",
        statement=md(r"""
            A block of mass $m$ slides down a rough incline of angle $\theta$ with coefficient of
            kinetic friction $\mu_k$. Draw the free-body diagram, derive its acceleration, and
            state the condition on $\theta$ for the block, once moving, to speed up.
        """),
        answer_kind="self",
        solution=md(r"""
            Three forces act: weight $mg$ (down), normal force $N$ (perpendicular to the surface),
            friction $\mu_k N$ (up the slope, against the motion).

            Choose axes along and perpendicular to the incline. Perpendicular, nothing accelerates:
            $$N = m g \cos\theta$$
            Along the slope:
            $$m a = m g \sin\theta - \mu_k m g \cos\theta \quad\Rightarrow\quad a = g(\sin\theta -
            \mu_k \cos\theta)$$
            Every force is proportional to $m$, so the mass cancels: heavy and light blocks slide
            alike. The block speeds up when $a > 0$, i.e. $\tan\theta > \mu_k$.

            **Result:** $a = g(\sin\theta - \mu_k\cos\theta)$, independent of $m$; it speeds up
            when $\tan\theta > \mu_k$.
        """),
        concept="free-body diagram on an incline",
    ),
    QuestionSpec(
        slug="dynamics-space-station-orbital-period",
        topic="dynamics",
        difficulty="hard",
        title="Orbital period of the space station",
        statement=md(r"""
            The International Space Station orbits at an altitude of $h = 420\,\mathrm{km}$.
            With $G = 6.674 \times 10^{-11}\,\mathrm{N\,m^2/kg^2}$, Earth's mass
            $M = 5.972 \times 10^{24}\,\mathrm{kg}$ and radius $R = 6371\,\mathrm{km}$, find its
            orbital period (in minutes), assuming a circular orbit.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Gravity provides the centripetal force at orbital radius
            $r = R + h = 6.791 \times 10^6\,\mathrm{m}$:
            $$\frac{G M m}{r^2} = \frac{m v^2}{r} \quad\Rightarrow\quad v = \sqrt{\frac{G M}{r}} =
            \sqrt{\frac{3.986 \times 10^{14}}{6.791 \times 10^6}} = 7.66 \times 10^3\,\mathrm{m/s}$$
            One orbit is a circumference:
            $$T = \frac{2\pi r}{v} = \frac{2\pi \cdot 6.791 \times 10^6}{7661} = 5.57 \times
            10^3\,\mathrm{s} = 92.8\,\mathrm{min}$$

            **Answer:** $T \approx 92.8\,\mathrm{min}$.
        """),
        concept="circular orbit, Newton's law of gravitation",
        params={"h": 420e3, "G": 6.674e-11, "M": 5.972e24, "R": 6.371e6},
        answer=92.83,
        unit="min",
    ),
)
