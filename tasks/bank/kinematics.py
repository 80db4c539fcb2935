"""Kinematics: describing motion in one and two dimensions."""

from math import radians

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="kinematics",
    name="Kinematics",
    description=(
        "Position, velocity and acceleration: uniformly accelerated motion, free fall, "
        "projectiles, relative and circular motion."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="kinematics-marathon-average-speed",
        topic="kinematics",
        difficulty="easy",
        title="Average speed of a marathon record",
        statement=md(r"""
            A runner completes a marathon of $d = 42.195\,\mathrm{km}$ in
            $t = 2\,\mathrm{h}\;1\,\mathrm{min}\;9\,\mathrm{s}$ ($7269\,\mathrm{s}$).
            What is the average speed (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Average speed is distance over time, in SI units:
            $$\bar v = \frac{d}{t} = \frac{42\,195\,\mathrm{m}}{7269\,\mathrm{s}} =
            5.80\,\mathrm{m/s}$$
            (about $20.9\,\mathrm{km/h}$).

            **Answer:** $\bar v \approx 5.80\,\mathrm{m/s}$.
        """),
        concept="average speed",
        params={"d": 42195.0, "t": 7269.0},
        answer=5.805,
        unit="m/s",
    ),
    QuestionSpec(
        slug="kinematics-free-fall-time-from-height",
        topic="kinematics",
        difficulty="easy",
        title="Time to fall",
        statement=md(r"""
            A stone is dropped from rest from a bridge $h = 20.0\,\mathrm{m}$ above the water.
            Ignoring air resistance and taking $g = 9.81\,\mathrm{m/s^2}$, how long does it take to
            reach the water (in s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            From rest, $h = \frac{1}{2} g t^2$, so
            $$t = \sqrt{\frac{2h}{g}} = \sqrt{\frac{2 \cdot 20.0}{9.81}} = 2.02\,\mathrm{s}$$

            **Answer:** $t \approx 2.02\,\mathrm{s}$.
        """),
        concept="free fall",
        params={"h": 20.0, "g": 9.81},
        answer=2.019,
        unit="s",
    ),
    QuestionSpec(
        slug="kinematics-car-speed-after-acceleration",
        topic="kinematics",
        difficulty="easy",
        title="Speed after accelerating from rest",
        statement=md(r"""
            A car starts from rest and accelerates uniformly at $a = 3.0\,\mathrm{m/s^2}$ for
            $t = 8.0\,\mathrm{s}$. What is its speed then, in km/h?
        """),
        answer_kind="numeric",
        solution=md(r"""
            For constant acceleration from rest, $v = a t$:
            $$v = 3.0 \cdot 8.0 = 24\,\mathrm{m/s}$$
            Convert with $1\,\mathrm{m/s} = 3.6\,\mathrm{km/h}$:
            $$v = 24 \cdot 3.6 = 86.4\,\mathrm{km/h}$$

            **Answer:** $v = 86.4\,\mathrm{km/h}$.
        """),
        concept="uniformly accelerated motion",
        params={"a": 3.0, "t": 8.0},
        answer=86.4,
        unit="km/h",
    ),
    QuestionSpec(
        slug="kinematics-braking-distance",
        topic="kinematics",
        difficulty="easy",
        title="Braking distance",
        statement=md(r"""
            A car travelling at $v_0 = 25\,\mathrm{m/s}$ brakes with a constant deceleration of
            $a = 6.0\,\mathrm{m/s^2}$. How far does it travel before it stops (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Without time in the problem, use $v^2 = v_0^2 - 2 a s$ with final speed $v = 0$:
            $$s = \frac{v_0^2}{2a} = \frac{25^2}{2 \cdot 6.0} = 52.1\,\mathrm{m}$$

            **Answer:** $s \approx 52.1\,\mathrm{m}$.
        """),
        concept="uniformly accelerated motion",
        params={"v0": 25.0, "a": 6.0},
        answer=52.08,
        unit="m",
    ),
    QuestionSpec(
        slug="kinematics-acceleration-at-top-of-throw-choice",
        topic="kinematics",
        difficulty="easy",
        title="Acceleration at the highest point",
        statement=md(r"""
            A ball is thrown straight up. Ignoring air resistance, what is its acceleration at the
            highest point of its flight? Take $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="choice",
        solution=md(r"""
            At the top the **velocity** is momentarily zero, but gravity still acts, so the
            velocity keeps changing: a moment later the ball moves down. The acceleration is
            $g = 9.81\,\mathrm{m/s^2}$ downward during the whole flight, independent of mass.

            **Answer:** $9.81\,\mathrm{m/s^2}$, downward.
        """),
        concept="free fall acceleration",
        options=(
            OptionSpec("a", "Zero, because the ball is momentarily at rest"),
            OptionSpec("b", r"$9.81\,\mathrm{m/s^2}$, upward"),
            OptionSpec("c", "It depends on the mass of the ball"),
            OptionSpec("d", r"$9.81\,\mathrm{m/s^2}$, downward"),
        ),
        correct_option="d",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="kinematics-stopping-distance-with-reaction-time",
        topic="kinematics",
        difficulty="medium",
        title="Stopping distance with reaction time",
        statement=md(r"""
            A driver moving at $v_0 = 50\,\mathrm{km/h}$ sees a child on the road. Her reaction
            time is $t_r = 1.0\,\mathrm{s}$; then the car decelerates at $a = 7.0\,\mathrm{m/s^2}$.
            What is the total stopping distance (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Convert the speed: $v_0 = 50 / 3.6 = 13.9\,\mathrm{m/s}$.

            During the reaction time the car keeps its speed:
            $$s_1 = v_0 t_r = 13.9 \cdot 1.0 = 13.9\,\mathrm{m}$$
            Then it brakes to rest:
            $$s_2 = \frac{v_0^2}{2a} = \frac{13.9^2}{2 \cdot 7.0} = 13.8\,\mathrm{m}$$
            Total:
            $$s = s_1 + s_2 = 27.7\,\mathrm{m}$$

            **Answer:** $s \approx 27.7\,\mathrm{m}$.
        """),
        concept="uniform motion followed by uniform deceleration",
        params={"v0": 50.0 / 3.6, "tr": 1.0, "a": 7.0},
        answer=27.67,
        unit="m",
    ),
    QuestionSpec(
        slug="kinematics-horizontal-launch-from-cliff",
        topic="kinematics",
        difficulty="medium",
        title="Horizontal throw from a cliff",
        statement=md(r"""
            A ball is thrown horizontally at $v_0 = 12\,\mathrm{m/s}$ from the top of a cliff
            $h = 45\,\mathrm{m}$ high. How far from the foot of the cliff does it land (in m)?
            Use $g = 9.81\,\mathrm{m/s^2}$ and ignore air resistance.
        """),
        answer_kind="numeric",
        solution=md(r"""
            The vertical motion is free fall from rest, which sets the flight time:
            $$t = \sqrt{\frac{2h}{g}} = \sqrt{\frac{2 \cdot 45}{9.81}} = 3.03\,\mathrm{s}$$
            Horizontally the speed is constant:
            $$x = v_0 t = 12 \cdot 3.03 = 36.3\,\mathrm{m}$$

            **Answer:** $x \approx 36.3\,\mathrm{m}$.
        """),
        concept="projectile motion, independence of horizontal and vertical motion",
        params={"v0": 12.0, "h": 45.0, "g": 9.81},
        answer=36.35,
        unit="m",
    ),
    QuestionSpec(
        slug="kinematics-upward-throw-time-to-ground",
        topic="kinematics",
        difficulty="medium",
        title="Thrown up from a balcony",
        statement=md(r"""
            A ball is thrown straight up at $v_0 = 15\,\mathrm{m/s}$ from a height
            $h = 2.0\,\mathrm{m}$ above the ground. After how long does it hit the ground (in s)?
            Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Take up as positive, the ground as $y = 0$:
            $$y(t) = h + v_0 t - \frac{1}{2} g t^2 = 0$$
            Solve the quadratic and keep the positive root:
            $$t = \frac{v_0 + \sqrt{v_0^2 + 2gh}}{g} = \frac{15 + \sqrt{225 + 39.2}}{9.81} =
            \frac{15 + 16.26}{9.81} = 3.19\,\mathrm{s}$$

            **Answer:** $t \approx 3.19\,\mathrm{s}$.
        """),
        concept="vertical motion under gravity, quadratic equation",
        params={"v0": 15.0, "h": 2.0, "g": 9.81},
        answer=3.186,
        unit="s",
    ),
    QuestionSpec(
        slug="kinematics-boat-crossing-river-drift",
        topic="kinematics",
        difficulty="medium",
        title="Crossing a river",
        statement=md(r"""
            A boat heads straight across a river $w = 120\,\mathrm{m}$ wide at
            $v_b = 4.0\,\mathrm{m/s}$ relative to the water. The current flows at
            $v_c = 3.0\,\mathrm{m/s}$. How far downstream does the boat land (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The crossing time depends only on the velocity component across the river:
            $$t = \frac{w}{v_b} = \frac{120}{4.0} = 30\,\mathrm{s}$$
            Meanwhile the current carries the boat downstream:
            $$x = v_c t = 3.0 \cdot 30 = 90\,\mathrm{m}$$

            **Answer:** $x = 90\,\mathrm{m}$.
        """),
        concept="relative velocity, vector addition",
        params={"w": 120.0, "vb": 4.0, "vc": 3.0},
        answer=90.0,
        unit="m",
    ),
    QuestionSpec(
        slug="kinematics-distance-scaling-from-rest-choice",
        topic="kinematics",
        difficulty="medium",
        title="Distance in the first three seconds",
        statement=md(r"""
            A cart starts from rest with constant acceleration and covers a distance $d$ in the
            first second ($t = 1\,\mathrm{s}$). How far does it travel in the first three seconds?
        """),
        answer_kind="choice",
        solution=md(r"""
            From rest, $s = \frac{1}{2} a t^2 \propto t^2$. Tripling the time multiplies the
            distance by $3^2 = 9$:
            $$s(3\,\mathrm{s}) = 9d$$
            $3d$ assumes constant speed; $5d$ is the distance covered during the third second
            alone ($9d - 4d$).

            **Answer:** $9d$.
        """),
        concept="uniformly accelerated motion, distance proportional to t²",
        options=(
            OptionSpec("a", r"$3d$"),
            OptionSpec("b", r"$9d$"),
            OptionSpec("c", r"$5d$"),
            OptionSpec("d", r"$6d$"),
        ),
        correct_option="b",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="kinematics-projectile-launched-from-height",
        topic="kinematics",
        difficulty="hard",
        title="Shot put range",
        statement=md(r"""
            A shot is released at $h = 1.5\,\mathrm{m}$ above the ground with speed
            $v_0 = 20\,\mathrm{m/s}$ at $\theta = 35^\circ$ above the horizontal. How far away
            horizontally does it land (in m)? Use $g = 9.81\,\mathrm{m/s^2}$ and ignore air
            resistance.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Components of the launch velocity:
            $$v_x = v_0 \cos\theta = 16.38\,\mathrm{m/s}, \qquad v_y = v_0 \sin\theta =
            11.47\,\mathrm{m/s}$$
            Vertical position, with the ground at $y = 0$: $y(t) = h + v_y t - \frac{1}{2} g t^2$.
            It lands when $y = 0$; the positive root is
            $$t = \frac{v_y + \sqrt{v_y^2 + 2gh}}{g} = \frac{11.47 + 12.69}{9.81} =
            2.46\,\mathrm{s}$$
            Horizontal distance:
            $$x = v_x t = 16.38 \cdot 2.46 = 40.3\,\mathrm{m}$$
            (The level-ground formula $v_0^2 \sin 2\theta / g = 38.3\,\mathrm{m}$ would miss the
            extra flight time from the release height.)

            **Answer:** $x \approx 40.3\,\mathrm{m}$.
        """),
        concept="projectile motion from a height",
        params={"h": 1.5, "v0": 20.0, "theta": radians(35.0), "g": 9.81},
        answer=40.35,
        unit="m",
    ),
    QuestionSpec(
        slug="kinematics-police-car-delayed-chase",
        topic="kinematics",
        difficulty="hard",
        title="Police chase with a delayed start",
        statement=md(r"""
            A speeding car passes a parked police car at a constant $v = 30\,\mathrm{m/s}$. The
            police
            car starts $t_d = 2.0\,\mathrm{s}$ later and accelerates uniformly at
            $a = 4.0\,\mathrm{m/s^2}$. How long after the speeder passes does the police car catch
            up
            (in s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Measure $t$ from the moment the speeder passes. Positions:
            $$x_s = v t, \qquad x_p = \frac{1}{2} a (t - t_d)^2 \quad (t \ge t_d)$$
            Set them equal:
            $$30 t = 2.0 (t - 2.0)^2 \quad\Rightarrow\quad t^2 - 19 t + 4 = 0$$
            $$t = \frac{19 + \sqrt{19^2 - 16}}{2} = \frac{19 + 18.57}{2} = 18.8\,\mathrm{s}$$
            The other root ($0.21\,\mathrm{s}$) is before the police car starts, so it is rejected.
            The meeting point is $30 \cdot 18.8 = 564\,\mathrm{m}$ down the road.

            **Answer:** $t \approx 18.8\,\mathrm{s}$.
        """),
        concept="two bodies in one-dimensional motion",
        params={"v": 30.0, "td": 2.0, "a": 4.0},
        answer=18.79,
        unit="s",
    ),
    QuestionSpec(
        slug="kinematics-dropped-and-thrown-balls-meet",
        topic="kinematics",
        difficulty="hard",
        title="Where two balls meet",
        statement=md(r"""
            Ball A is dropped from rest from a height $H = 30\,\mathrm{m}$. At the same instant,
            ball B is thrown straight up from the ground directly below at $v_0 = 15\,\mathrm{m/s}$.
            At what height above the ground do they meet (in m)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Heights above the ground:
            $$y_A = H - \frac{1}{2} g t^2, \qquad y_B = v_0 t - \frac{1}{2} g t^2$$
            Both fall with the same acceleration, so the $\frac{1}{2} g t^2$ terms cancel when
            $y_A = y_B$: they close the gap $H$ at the relative speed $v_0$.
            $$t = \frac{H}{v_0} = \frac{30}{15} = 2.0\,\mathrm{s}$$
            Height then:
            $$y = H - \frac{1}{2} g t^2 = 30 - 4.905 \cdot 4.0 = 10.4\,\mathrm{m}$$
            (B is already falling again at that moment, since it peaked at
            $v_0/g = 1.53\,\mathrm{s}$.)

            **Answer:** $y \approx 10.4\,\mathrm{m}$.
        """),
        concept="relative motion under gravity",
        params={"H": 30.0, "v0": 15.0, "g": 9.81},
        answer=10.38,
        unit="m",
    ),
    QuestionSpec(
        slug="kinematics-projectile-trajectory-derivation",
        topic="kinematics",
        difficulty="hard",
        title="The trajectory is a parabola",
        statement=md(r"""
            A projectile is launched from the origin with speed $v_0$ at angle $\theta$ above the
            horizontal, with only gravity $g$ acting. Derive its trajectory $y(x)$ and show that it
            is a parabola.
        """),
        answer_kind="self",
        solution=md(r"""
            The horizontal and vertical motions are independent:
            $$x(t) = v_0 \cos\theta \; t, \qquad y(t) = v_0 \sin\theta \; t - \frac{1}{2} g t^2$$
            Eliminate time using the first equation, $t = \dfrac{x}{v_0 \cos\theta}$:
            $$y(x) = x \tan\theta - \frac{g}{2 v_0^2 \cos^2\theta}\, x^2$$
            This is a quadratic in $x$ with a negative leading coefficient: a downward-opening
            parabola. Setting $y = 0$ gives the range $x = \dfrac{v_0^2 \sin 2\theta}{g}$.

            **Result:** $y = x\tan\theta - \dfrac{g x^2}{2 v_0^2 \cos^2\theta}$, a parabola.
        """),
        concept="projectile motion, trajectory equation",
    ),
    QuestionSpec(
        slug="kinematics-sling-release-range",
        topic="kinematics",
        difficulty="hard",
        title="Stone released from a sling",
        statement=md(r"""
            A stone is whirled in a horizontal circle of radius $r = 0.80\,\mathrm{m}$ at
            $f = 3.0$ revolutions per second, $h = 1.5\,\mathrm{m}$ above level ground, and
            released.
            How far does it travel horizontally before landing (in m)? Use
            $g = 9.81\,\mathrm{m/s^2}$ and ignore air resistance.
        """),
        answer_kind="numeric",
        solution=md(r"""
            On release the stone flies off along the tangent with the circular speed:
            $$v = 2\pi r f = 2\pi \cdot 0.80 \cdot 3.0 = 15.1\,\mathrm{m/s}$$
            This velocity is horizontal, so the fall time is that of a drop from $h$:
            $$t = \sqrt{\frac{2h}{g}} = \sqrt{\frac{2 \cdot 1.5}{9.81}} = 0.553\,\mathrm{s}$$
            Horizontal distance:
            $$x = v t = 15.1 \cdot 0.553 = 8.34\,\mathrm{m}$$

            **Answer:** $x \approx 8.34\,\mathrm{m}$.
        """),
        concept="circular motion and projectile motion",
        params={"r": 0.80, "f": 3.0, "h": 1.5, "g": 9.81},
        answer=8.339,
        unit="m",
    ),
)
