"""Energy & Momentum: work, energy conservation, power, impulse and collisions."""

from math import radians

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="energy-momentum",
    name="Energy & Momentum",
    description=(
        "Kinetic and potential energy, work and power, conservation of energy and momentum, "
        "impulse, elastic and inelastic collisions."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="energy-momentum-kinetic-energy-of-car",
        topic="energy-momentum",
        difficulty="easy",
        title="Kinetic energy of a car",
        statement=md(r"""
            What is the kinetic energy of a car of mass $m = 1500\,\mathrm{kg}$ moving at
            $v = 20\,\mathrm{m/s}$ (in kJ)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$E_k = \frac{1}{2} m v^2 = \frac{1}{2} \cdot 1500 \cdot 20^2 = 3.0 \times
            10^5\,\mathrm{J} = 300\,\mathrm{kJ}$$

            **Answer:** $E_k = 300\,\mathrm{kJ}$.
        """),
        concept="kinetic energy",
        params={"m": 1500.0, "v": 20.0},
        answer=300.0,
        unit="kJ",
    ),
    QuestionSpec(
        slug="energy-momentum-potential-energy-lifting-box",
        topic="energy-momentum",
        difficulty="easy",
        title="Lifting a box onto a shelf",
        statement=md(r"""
            A box of mass $m = 25\,\mathrm{kg}$ is lifted onto a shelf $h = 1.8\,\mathrm{m}$ higher.
            By how much does its gravitational potential energy increase (in J)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$\Delta E_p = m g h = 25 \cdot 9.81 \cdot 1.8 = 441\,\mathrm{J}$$

            **Answer:** $\Delta E_p \approx 441\,\mathrm{J}$.
        """),
        concept="gravitational potential energy",
        params={"m": 25.0, "h": 1.8, "g": 9.81},
        answer=441.5,
        unit="J",
    ),
    QuestionSpec(
        slug="energy-momentum-momentum-of-baseball",
        topic="energy-momentum",
        difficulty="easy",
        title="Momentum of a pitched baseball",
        statement=md(r"""
            A baseball of mass $m = 0.145\,\mathrm{kg}$ is pitched at $v = 40\,\mathrm{m/s}$.
            What is the magnitude of its momentum (in kg·m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$p = m v = 0.145 \cdot 40 = 5.8\,\mathrm{kg\,m/s}$$

            **Answer:** $p = 5.8\,\mathrm{kg\,m/s}$.
        """),
        concept="linear momentum",
        params={"m": 0.145, "v": 40.0},
        answer=5.8,
        unit="kg·m/s",
    ),
    QuestionSpec(
        slug="energy-momentum-power-running-upstairs",
        topic="energy-momentum",
        difficulty="easy",
        title="Power of running upstairs",
        statement=md(r"""
            A student of mass $m = 65\,\mathrm{kg}$ runs up a staircase of height
            $h = 3.0\,\mathrm{m}$ in $t = 4.0\,\mathrm{s}$. What average power does she develop
            against gravity (in W)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Power is work per time; the work against gravity is $mgh$:
            $$P = \frac{m g h}{t} = \frac{65 \cdot 9.81 \cdot 3.0}{4.0} = 478\,\mathrm{W}$$

            **Answer:** $P \approx 478\,\mathrm{W}$.
        """),
        concept="power as rate of doing work",
        params={"m": 65.0, "h": 3.0, "t": 4.0, "g": 9.81},
        answer=478.2,
        unit="W",
    ),
    QuestionSpec(
        slug="energy-momentum-doubling-speed-choice",
        topic="energy-momentum",
        difficulty="easy",
        title="Doubling the speed",
        statement=md(r"""
            A cyclist doubles her speed from $v$ to $2v$. By what factor does her kinetic energy
            $E_k = \frac{1}{2} m v^2$ change?
        """),
        answer_kind="choice",
        solution=md(r"""
            Kinetic energy grows with the **square** of speed:
            $$\frac{E_k(2v)}{E_k(v)} = \frac{(2v)^2}{v^2} = 4$$
            This is why braking distance also quadruples when speed doubles.

            **Answer:** by a factor of 4.
        """),
        concept="kinetic energy depends on speed squared",
        options=(
            OptionSpec("a", "2"),
            OptionSpec("b", r"$\sqrt{2}$"),
            OptionSpec("c", "8"),
            OptionSpec("d", "4"),
        ),
        correct_option="d",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="energy-momentum-roller-coaster-speed",
        topic="energy-momentum",
        difficulty="medium",
        title="Roller coaster speed lower down",
        statement=md(r"""
            A roller coaster car passes a hilltop at height $h_1 = 30\,\mathrm{m}$ with speed
            $v_1 = 2.0\,\mathrm{m/s}$. Ignoring friction, how fast is it moving at height
            $h_2 = 12\,\mathrm{m}$ (in m/s)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Mechanical energy is conserved (the mass cancels):
            $$\frac{1}{2} v_1^2 + g h_1 = \frac{1}{2} v_2^2 + g h_2$$
            $$v_2 = \sqrt{v_1^2 + 2 g (h_1 - h_2)} = \sqrt{4.0 + 2 \cdot 9.81 \cdot 18} = \sqrt{357}
            = 18.9\,\mathrm{m/s}$$

            **Answer:** $v_2 \approx 18.9\,\mathrm{m/s}$.
        """),
        concept="conservation of mechanical energy",
        params={"h1": 30.0, "v1": 2.0, "h2": 12.0, "g": 9.81},
        answer=18.90,
        unit="m/s",
    ),
    QuestionSpec(
        slug="energy-momentum-inelastic-car-crash-energy-loss",
        topic="energy-momentum",
        difficulty="medium",
        title="Energy lost when two cars lock together",
        statement=md(r"""
            A car of mass $m_1 = 1200\,\mathrm{kg}$ moving at $v_1 = 15\,\mathrm{m/s}$ hits a
            stationary car of mass $m_2 = 800\,\mathrm{kg}$; the two lock together. How much kinetic
            energy is lost in the collision (in kJ)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Momentum is conserved in the collision:
            $$v' = \frac{m_1 v_1}{m_1 + m_2} = \frac{1200 \cdot 15}{2000} = 9.0\,\mathrm{m/s}$$
            Kinetic energy before and after:
            $$E_1 = \frac{1}{2} \cdot 1200 \cdot 15^2 = 135\,\mathrm{kJ}, \qquad E_2 = \frac{1}{2}
            \cdot 2000 \cdot 9.0^2 = 81\,\mathrm{kJ}$$
            $$\Delta E = E_1 - E_2 = 54\,\mathrm{kJ}$$
            It goes into deformation, heat and sound.

            **Answer:** $\Delta E = 54\,\mathrm{kJ}$.
        """),
        concept="perfectly inelastic collision",
        params={"m1": 1200.0, "v1": 15.0, "m2": 800.0},
        answer=54.0,
        unit="kJ",
    ),
    QuestionSpec(
        slug="energy-momentum-average-force-kicking-ball",
        topic="energy-momentum",
        difficulty="medium",
        title="Average force of a kick",
        statement=md(r"""
            A football of mass $m = 0.43\,\mathrm{kg}$ at rest is kicked to a speed of
            $v = 25\,\mathrm{m/s}$. The foot is in contact with the ball for
            $\Delta t = 8.0\,\mathrm{ms}$. What is the average force on the ball (in N)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The impulse equals the change in momentum:
            $$\Delta p = m v - 0 = 0.43 \cdot 25 = 10.75\,\mathrm{kg\,m/s}$$
            The average force is impulse over contact time:
            $$\bar F = \frac{\Delta p}{\Delta t} = \frac{10.75}{8.0 \times 10^{-3}} = 1.34 \times
            10^3\,\mathrm{N}$$

            **Answer:** $\bar F \approx 1340\,\mathrm{N}$.
        """),
        concept="impulse-momentum theorem",
        params={"m": 0.43, "v": 25.0, "dt": 8.0e-3},
        answer=1344.0,
        unit="N",
    ),
    QuestionSpec(
        slug="energy-momentum-spring-launcher-speed",
        topic="energy-momentum",
        difficulty="medium",
        title="Spring-loaded launcher",
        statement=md(r"""
            A toy launcher's spring ($k = 800\,\mathrm{N/m}$) is compressed by
            $x = 0.10\,\mathrm{m}$ and fires a ball of mass $m = 0.050\,\mathrm{kg}$ horizontally.
            Ignoring friction, with what speed does the ball leave (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The spring's elastic energy becomes the ball's kinetic energy:
            $$\frac{1}{2} k x^2 = \frac{1}{2} m v^2 \quad\Rightarrow\quad v = x \sqrt{\frac{k}{m}}$$
            $$v = 0.10 \sqrt{\frac{800}{0.050}} = 0.10 \cdot 126.5 = 12.6\,\mathrm{m/s}$$

            **Answer:** $v \approx 12.6\,\mathrm{m/s}$.
        """),
        concept="elastic potential energy to kinetic energy",
        params={"k": 800.0, "x": 0.10, "m": 0.050},
        answer=12.65,
        unit="m/s",
    ),
    QuestionSpec(
        slug="energy-momentum-rebounding-ball-impulse-choice",
        topic="energy-momentum",
        difficulty="medium",
        title="Momentum change of a rebounding ball",
        statement=md(r"""
            A ball of mass $m$ hits a wall head-on at speed $v$ and bounces straight back with the
            same speed $v$. What is the magnitude of its change in momentum?
        """),
        answer_kind="choice",
        solution=md(r"""
            Momentum is a vector. Taking the initial direction as positive:
            $$\Delta p = (-m v) - (m v) = -2 m v$$
            so $|\Delta p| = 2mv$. Answering 0 forgets that the direction reversed (the **kinetic
            energy** is unchanged, not the momentum).

            **Answer:** $2mv$.
        """),
        concept="momentum as a vector, impulse",
        options=(
            OptionSpec("a", "0"),
            OptionSpec("b", r"$m v$"),
            OptionSpec("c", r"$2 m v$"),
            OptionSpec("d", r"$\frac{1}{2} m v^2$"),
        ),
        correct_option="c",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="energy-momentum-ballistic-pendulum",
        topic="energy-momentum",
        difficulty="hard",
        title="Ballistic pendulum",
        statement=md(r"""
            A bullet of mass $m = 10\,\mathrm{g}$ is fired into a wooden block of mass
            $M = 2.0\,\mathrm{kg}$ hanging on strings. The bullet stays in the block, which swings
            up by $h = 12\,\mathrm{cm}$. What was the bullet's speed (in m/s)? Use
            $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Work backwards in two stages.

            **Swing** (energy conserved): the block-plus-bullet speed just after impact is
            $$V = \sqrt{2 g h} = \sqrt{2 \cdot 9.81 \cdot 0.12} = 1.53\,\mathrm{m/s}$$
            **Impact** (momentum conserved, kinetic energy not):
            $$m v = (m + M) V \quad\Rightarrow\quad v = \frac{m + M}{m} V = \frac{2.010}{0.010}
            \cdot 1.534 = 308\,\mathrm{m/s}$$
            Using energy conservation across the impact would be wrong: most of the bullet's
            kinetic energy turns into heat.

            **Answer:** $v \approx 308\,\mathrm{m/s}$.
        """),
        concept="momentum conservation in an inelastic collision, then energy conservation",
        params={"m": 0.010, "M": 2.0, "h": 0.12, "g": 9.81},
        answer=308.4,
        unit="m/s",
    ),
    QuestionSpec(
        slug="energy-momentum-elastic-collision-target-speed",
        topic="energy-momentum",
        difficulty="hard",
        title="Elastic collision with a lighter target",
        statement=md(r"""
            A cart of mass $m_1 = 2.0\,\mathrm{kg}$ moving at $v_1 = 3.0\,\mathrm{m/s}$ collides
            elastically head-on with a cart of mass $m_2 = 1.0\,\mathrm{kg}$ at rest. What is the
            speed of the second cart after the collision (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Both momentum and kinetic energy are conserved:
            $$m_1 v_1 = m_1 v_1' + m_2 v_2', \qquad m_1 v_1^2 = m_1 v_1'^2 + m_2 v_2'^2$$
            Solving (see the derivation task in this topic) gives
            $$v_2' = \frac{2 m_1}{m_1 + m_2} v_1 = \frac{2 \cdot 2.0}{3.0} \cdot 3.0 =
            4.0\,\mathrm{m/s}$$
            and $v_1' = \frac{m_1 - m_2}{m_1 + m_2} v_1 = 1.0\,\mathrm{m/s}$.
            Check momentum: $2.0 \cdot 1.0 + 1.0 \cdot 4.0 = 6.0 = 2.0 \cdot 3.0$. ✓

            **Answer:** $v_2' = 4.0\,\mathrm{m/s}$.
        """),
        concept="elastic collision",
        params={"m1": 2.0, "v1": 3.0, "m2": 1.0},
        answer=4.0,
        unit="m/s",
    ),
    QuestionSpec(
        slug="energy-momentum-loop-the-loop-normal-force",
        topic="energy-momentum",
        difficulty="hard",
        title="Normal force at the bottom of a loop",
        statement=md(r"""
            A roller coaster loop has radius $r = 10\,\mathrm{m}$. The car enters it at just the
            speed needed to stay on the track at the top (normal force zero there). What force does
            the seat exert on a rider of mass $m = 60\,\mathrm{kg}$ at the bottom of the loop
            (in N)? Ignore friction; use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            **Top:** with zero normal force, gravity alone is the centripetal force:
            $$m g = \frac{m v_t^2}{r} \quad\Rightarrow\quad v_t^2 = g r$$
            **Energy** from bottom to top (height $2r$):
            $$v_b^2 = v_t^2 + 2 g (2r) = 5 g r$$
            **Bottom:** the seat pushes up, gravity down, net force centripetal (upward):
            $$N - m g = \frac{m v_b^2}{r} = 5 m g \quad\Rightarrow\quad N = 6 m g = 6 \cdot 60 \cdot
            9.81 = 3.53 \times 10^3\,\mathrm{N}$$
            The rider feels six times her weight, independent of the loop's size.

            **Answer:** $N \approx 3530\,\mathrm{N}$.
        """),
        concept="energy conservation with circular motion",
        params={"r": 10.0, "m": 60.0, "g": 9.81},
        answer=3532.0,
        unit="N",
    ),
    QuestionSpec(
        slug="energy-momentum-elastic-collision-derivation",
        topic="energy-momentum",
        difficulty="hard",
        title="Deriving the elastic collision formulas",
        statement=md(r"""
            A mass $m_1$ with velocity $v_1$ collides elastically head-on with a mass $m_2$ at
            rest. Using conservation of momentum and of kinetic energy, derive the final velocities
            $v_1'$ and $v_2'$. What happens when $m_1 = m_2$?
        """),
        answer_kind="self",
        solution=md(r"""
            Conservation laws:
            $$m_1 (v_1 - v_1') = m_2 v_2' \qquad (1)$$
            $$m_1 (v_1^2 - v_1'^2) = m_2 v_2'^2 \qquad (2)$$
            Factor (2) as $m_1 (v_1 - v_1')(v_1 + v_1') = m_2 v_2'^2$ and divide by (1):
            $$v_1 + v_1' = v_2'$$
            (the relative speed is reversed). Substitute into (1):
            $$m_1 (v_1 - v_1') = m_2 (v_1 + v_1') \quad\Rightarrow\quad v_1' = \frac{m_1 - m_2}{m_1
            + m_2} v_1, \qquad v_2' = \frac{2 m_1}{m_1 + m_2} v_1$$
            For $m_1 = m_2$: $v_1' = 0$ and $v_2' = v_1$, the moving ball stops and the target
            takes all its velocity (as in Newton's cradle).

            **Result:** $v_1' = \frac{m_1 - m_2}{m_1 + m_2} v_1$,
            $v_2' = \frac{2 m_1}{m_1 + m_2} v_1$; equal masses exchange velocities.
        """),
        concept="elastic collision, conservation laws",
    ),
    QuestionSpec(
        slug="energy-momentum-car-power-climbing-hill",
        topic="energy-momentum",
        difficulty="hard",
        title="Engine power on a hill",
        statement=md(r"""
            A car of mass $m = 1400\,\mathrm{kg}$ drives up a road inclined at $\theta = 5.0^\circ$
            at a constant $v = 25\,\mathrm{m/s}$. Air resistance and rolling resistance together
            are $F_r = 500\,\mathrm{N}$. What power must the engine deliver to the wheels (in kW)?
            Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            At constant speed the driving force balances gravity's component along the road plus
            the resistance:
            $$F = m g \sin\theta + F_r = 1400 \cdot 9.81 \cdot 0.0872 + 500 = 1197 + 500 =
            1697\,\mathrm{N}$$
            Power at constant speed is force times velocity:
            $$P = F v = 1697 \cdot 25 = 4.24 \times 10^4\,\mathrm{W} = 42.4\,\mathrm{kW}$$

            **Answer:** $P \approx 42.4\,\mathrm{kW}$.
        """),
        concept="power as force times velocity",
        params={"m": 1400.0, "theta": radians(5.0), "v": 25.0, "Fr": 500.0, "g": 9.81},
        answer=42.42,
        unit="kW",
    ),
)
