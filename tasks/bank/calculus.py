"""Calculus: the derivatives and integrals physics needs."""

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="calculus",
    name="Calculus",
    description=(
        "Derivatives and integrals as physics uses them: velocity and acceleration from position, "
        "displacement and work as areas, maxima, and simple differential equations."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="calculus-velocity-from-quadratic-position",
        topic="calculus",
        difficulty="easy",
        title="Velocity from a quadratic position",
        statement=md(r"""
            A trolley moves along a track with position
            $$x(t) = A t^2 + B t + C$$
            where $A = 3.0\,\mathrm{m/s^2}$, $B = -2.0\,\mathrm{m/s}$ and $C = 5.0\,\mathrm{m}$.
            What is its velocity at $t = 4.0\,\mathrm{s}$ (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Velocity is the time derivative of position:
            $$v(t) = \frac{dx}{dt} = 2At + B$$
            At $t = 4.0\,\mathrm{s}$:
            $$v = 2 \cdot 3.0 \cdot 4.0 - 2.0 = 22\,\mathrm{m/s}$$
            The constant $C$ only shifts the starting point and drops out.

            **Answer:** $v = 22\,\mathrm{m/s}$.
        """),
        concept="velocity as the derivative of position",
        params={"A": 3.0, "B": -2.0, "C": 5.0, "t": 4.0},
        answer=22.0,
        unit="m/s",
    ),
    QuestionSpec(
        slug="calculus-velocity-of-sinusoidal-oscillation",
        topic="calculus",
        difficulty="easy",
        title="Velocity of an oscillating mass",
        statement=md(r"""
            A mass on a spring has position $y(t) = A \sin(\omega t)$ with amplitude
            $A = 0.050\,\mathrm{m}$ and angular frequency $\omega = 4.0\,\mathrm{rad/s}$.
            What is its velocity at $t = 0.25\,\mathrm{s}$ (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Differentiate with the chain rule:
            $$v(t) = \frac{dy}{dt} = A\omega \cos(\omega t)$$
            With $\omega t = 4.0 \cdot 0.25 = 1.0\,\mathrm{rad}$ (the calculator must be in
            radians):
            $$v = 0.050 \cdot 4.0 \cdot \cos(1.0) = 0.20 \cdot 0.540 = 0.108\,\mathrm{m/s}$$

            **Answer:** $v \approx 0.108\,\mathrm{m/s}$.
        """),
        concept="derivative of a sine, chain rule",
        params={"A": 0.050, "omega": 4.0, "t": 0.25},
        answer=0.1081,
        unit="m/s",
    ),
    QuestionSpec(
        slug="calculus-displacement-from-linear-velocity",
        topic="calculus",
        difficulty="easy",
        title="Displacement as the area under v(t)",
        statement=md(r"""
            A cyclist's velocity is $v(t) = v_0 + a t$ with $v_0 = 2.0\,\mathrm{m/s}$ and
            $a = 3.0\,\mathrm{m/s^2}$. How far does she travel between $t = 0$ and
            $T = 4.0\,\mathrm{s}$ (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Displacement is the integral of velocity:
            $$s = \int_0^T (v_0 + a t)\,dt = v_0 T + \frac{1}{2} a T^2$$
            $$s = 2.0 \cdot 4.0 + \frac{1}{2} \cdot 3.0 \cdot 4.0^2 = 8.0 + 24 = 32\,\mathrm{m}$$

            **Answer:** $s = 32\,\mathrm{m}$.
        """),
        concept="displacement as the integral of velocity",
        params={"v0": 2.0, "a": 3.0, "T": 4.0},
        answer=32.0,
        unit="m",
    ),
    QuestionSpec(
        slug="calculus-work-stretching-spring-integral",
        topic="calculus",
        difficulty="easy",
        title="Work to stretch a spring",
        statement=md(r"""
            Stretching a spring by $x$ needs the force $F(x) = kx$ with $k = 200\,\mathrm{N/m}$.
            How much work is done stretching it from $0$ to $x_1 = 0.10\,\mathrm{m}$ (in J)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Work by a position-dependent force is the integral of force over displacement:
            $$W = \int_0^{x_1} kx\,dx = \frac{1}{2} k x_1^2$$
            $$W = \frac{1}{2} \cdot 200 \cdot 0.10^2 = 1.0\,\mathrm{J}$$

            **Answer:** $W = 1.0\,\mathrm{J}$.
        """),
        concept="work as the integral of force",
        params={"k": 200.0, "x1": 0.10},
        answer=1.0,
        unit="J",
    ),
    QuestionSpec(
        slug="calculus-derivative-of-kinetic-energy-choice",
        topic="calculus",
        difficulty="easy",
        title="Derivative of kinetic energy",
        statement=md(r"""
            The kinetic energy of a body of mass $m$ is $E = \frac{1}{2} m v^2$.
            What is $\dfrac{dE}{dv}$?
        """),
        answer_kind="choice",
        solution=md(r"""
            By the power rule, $\frac{d}{dv} v^2 = 2v$, and constants stay as factors:
            $$\frac{dE}{dv} = \frac{1}{2} m \cdot 2v = m v$$
            This is the momentum. Keeping the $\frac{1}{2}$ forgets the factor 2 from the power
            rule; $m v^2$ forgets to lower the exponent.

            **Answer:** $m v$.
        """),
        concept="power rule for derivatives",
        options=(
            OptionSpec("a", r"$\frac{1}{2} m v$"),
            OptionSpec("b", r"$m v$"),
            OptionSpec("c", r"$m v^2$"),
            OptionSpec("d", r"$\frac{1}{2} m$"),
        ),
        correct_option="b",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="calculus-acceleration-from-cubic-position",
        topic="calculus",
        difficulty="medium",
        title="Acceleration from a cubic position",
        statement=md(r"""
            A particle moves along a line with
            $$x(t) = A t^3 + B t^2 + C t$$
            where $A = 2.0\,\mathrm{m/s^3}$, $B = -9.0\,\mathrm{m/s^2}$ and $C = 12\,\mathrm{m/s}$.
            What is its acceleration at $t = 3.0\,\mathrm{s}$ (in m/s²)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Differentiate once for the velocity:
            $$v(t) = 3At^2 + 2Bt + C = 6t^2 - 18t + 12$$
            and again for the acceleration:
            $$a(t) = 6At + 2B = 12t - 18$$
            At $t = 3.0\,\mathrm{s}$:
            $$a = 12 \cdot 3.0 - 18 = 18\,\mathrm{m/s^2}$$

            **Answer:** $a = 18\,\mathrm{m/s^2}$.
        """),
        concept="acceleration as the second derivative of position",
        params={"A": 2.0, "B": -9.0, "C": 12.0, "t": 3.0},
        answer=18.0,
        unit="m/s²",
    ),
    QuestionSpec(
        slug="calculus-position-from-velocity-with-initial-value",
        topic="calculus",
        difficulty="medium",
        title="Position from velocity and a starting point",
        statement=md(r"""
            A robot starts at $x_0 = 1.0\,\mathrm{m}$ and moves with velocity
            $v(t) = A t - B t^2$, where $A = 4.0\,\mathrm{m/s^2}$ and $B = 1.0\,\mathrm{m/s^3}$.
            Where is it at $t = 3.0\,\mathrm{s}$ (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Integrate the velocity and fix the constant with the starting position:
            $$x(t) = x_0 + \int_0^t (A t' - B t'^2)\,dt' = x_0 + \frac{A}{2} t^2 - \frac{B}{3} t^3$$
            At $t = 3.0\,\mathrm{s}$:
            $$x = 1.0 + 2.0 \cdot 9.0 - \frac{1.0}{3} \cdot 27 = 1.0 + 18 - 9.0 = 10\,\mathrm{m}$$

            **Answer:** $x = 10\,\mathrm{m}$.
        """),
        concept="integration with an initial condition",
        params={"x0": 1.0, "A": 4.0, "B": 1.0, "t": 3.0},
        answer=10.0,
        unit="m",
    ),
    QuestionSpec(
        slug="calculus-maximum-height-by-derivative",
        topic="calculus",
        difficulty="medium",
        title="Maximum height by setting the derivative to zero",
        statement=md(r"""
            A ball is thrown straight up; its height is $h(t) = v_0 t - \frac{1}{2} g t^2$ with
            $v_0 = 14.7\,\mathrm{m/s}$ and $g = 9.81\,\mathrm{m/s^2}$.
            Find the maximum height (in m) by differentiation.
        """),
        answer_kind="numeric",
        solution=md(r"""
            At the maximum the derivative vanishes:
            $$\frac{dh}{dt} = v_0 - g t = 0 \quad\Rightarrow\quad t^* = \frac{v_0}{g} =
            \frac{14.7}{9.81} = 1.50\,\mathrm{s}$$
            Substitute back:
            $$h_{\max} = v_0 t^* - \frac{1}{2} g t^{*2} = \frac{v_0^2}{2g} = \frac{14.7^2}{2 \cdot
            9.81} = 11.0\,\mathrm{m}$$
            The second derivative $-g < 0$ confirms it is a maximum.

            **Answer:** $h_{\max} \approx 11.0\,\mathrm{m}$.
        """),
        concept="finding a maximum with the derivative",
        params={"v0": 14.7, "g": 9.81},
        answer=11.01,
        unit="m",
    ),
    QuestionSpec(
        slug="calculus-work-of-quadratic-force",
        topic="calculus",
        difficulty="medium",
        title="Work done by a position-dependent force",
        statement=md(r"""
            A force along the $x$-axis is $F(x) = a x^2 + b$ with $a = 3.0\,\mathrm{N/m^2}$ and
            $b = 2.0\,\mathrm{N}$. How much work does it do moving an object from
            $x_1 = 1.0\,\mathrm{m}$ to $x_2 = 3.0\,\mathrm{m}$ (in J)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Find the antiderivative, then evaluate it at the limits:
            $$W = \int_{x_1}^{x_2} (a x^2 + b)\,dx = \left[\frac{a}{3} x^3 + b
            x\right]_{x_1}^{x_2}$$
            $$W = \frac{3.0}{3}(27 - 1.0) + 2.0 \cdot (3.0 - 1.0) = 26 + 4.0 = 30\,\mathrm{J}$$

            **Answer:** $W = 30\,\mathrm{J}$.
        """),
        concept="definite integral of a polynomial",
        params={"a": 3.0, "b": 2.0, "x1": 1.0, "x2": 3.0},
        answer=30.0,
        unit="J",
    ),
    QuestionSpec(
        slug="calculus-velocity-of-phase-shifted-oscillation-choice",
        topic="calculus",
        difficulty="medium",
        title="Velocity of a phase-shifted oscillation",
        statement=md(r"""
            A piston moves as $x(t) = A \cos(\omega t + \varphi)$, with constants $A$, $\omega$ and
            $\varphi$. What is its velocity $v(t)$?
        """),
        answer_kind="choice",
        solution=md(r"""
            The derivative of $\cos u$ is $-\sin u$, and the chain rule multiplies by
            $\frac{du}{dt} = \omega$:
            $$v(t) = \frac{dx}{dt} = -A\omega \sin(\omega t + \varphi)$$
            Dropping the minus sign or the factor $\omega$ are the usual slips; dividing by $\omega$
            is what integration would give.

            **Answer:** $-A\omega\sin(\omega t + \varphi)$.
        """),
        concept="chain rule for trigonometric functions",
        options=(
            OptionSpec("a", r"$A\omega \sin(\omega t + \varphi)$"),
            OptionSpec("b", r"$-A \sin(\omega t + \varphi)$"),
            OptionSpec("c", r"$-A\omega \sin(\omega t + \varphi)$"),
            OptionSpec("d", r"$-\frac{A}{\omega} \sin(\omega t + \varphi)$"),
        ),
        correct_option="c",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="calculus-charge-from-decaying-current",
        topic="calculus",
        difficulty="hard",
        title="Charge delivered by a decaying current",
        statement=md(r"""
            When a capacitor discharges, the current is $I(t) = I_0 e^{-t/\tau}$ with
            $I_0 = 2.0\,\mathrm{mA}$ and time constant $\tau = 0.50\,\mathrm{s}$.
            How much charge flows in the first $T = 1.0\,\mathrm{s}$ (in mC)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Current is the rate of flow of charge, so charge is its integral:
            $$Q = \int_0^T I_0 e^{-t/\tau}\,dt = I_0 \left[-\tau e^{-t/\tau}\right]_0^T = I_0 \tau
            \left(1 - e^{-T/\tau}\right)$$
            Here $T/\tau = 2.0$ and $e^{-2} = 0.135$:
            $$Q = 2.0 \times 10^{-3} \cdot 0.50 \cdot (1 - 0.135) = 8.65 \times
            10^{-4}\,\mathrm{C}$$

            **Answer:** $Q \approx 0.865\,\mathrm{mC}$.
        """),
        concept="integral of an exponential decay",
        params={"I0": 2.0e-3, "tau": 0.50, "T": 1.0},
        answer=0.8647,
        unit="mC",
    ),
    QuestionSpec(
        slug="calculus-optimal-launch-angle-derivation",
        topic="calculus",
        difficulty="hard",
        title="Why 45° gives the longest throw",
        statement=md(r"""
            On level ground, a projectile launched with speed $v_0$ at angle $\theta$ lands at
            $$R(\theta) = \frac{v_0^2 \sin(2\theta)}{g}$$
            Show by differentiation that the range is largest for $\theta = 45^\circ$, and that it
            is a maximum rather than a minimum.
        """),
        answer_kind="self",
        solution=md(r"""
            Differentiate with respect to $\theta$ (chain rule, $v_0$ and $g$ are constants):
            $$\frac{dR}{d\theta} = \frac{2 v_0^2 \cos(2\theta)}{g}$$
            Set it to zero: $\cos(2\theta) = 0$, so $2\theta = 90^\circ$ and $\theta = 45^\circ$
            (the only solution between $0^\circ$ and $90^\circ$).

            Second derivative:
            $$\frac{d^2R}{d\theta^2} = -\frac{4 v_0^2 \sin(2\theta)}{g}$$
            which at $\theta = 45^\circ$ equals $-4v_0^2/g < 0$: a maximum, with
            $R_{\max} = v_0^2/g$.

            **Result:** $\theta = 45^\circ$ maximises the range; $R_{\max} = v_0^2/g$.
        """),
        concept="optimisation with derivatives",
    ),
    QuestionSpec(
        slug="calculus-distance-under-linear-drag",
        topic="calculus",
        difficulty="hard",
        title="Coasting against linear drag",
        statement=md(r"""
            A boat coasting with its engine off decelerates as $\dfrac{dv}{dt} = -k v$ with
            $k = 0.50\,\mathrm{s^{-1}}$. Its speed starts at $v_0 = 20\,\mathrm{m/s}$. How far does
            it
            travel while its speed falls to $v_1 = 5.0\,\mathrm{m/s}$ (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Eliminate time with the chain rule,
            $\frac{dv}{dt} = \frac{dv}{dx}\frac{dx}{dt} = v\frac{dv}{dx}$:
            $$v \frac{dv}{dx} = -k v \quad\Rightarrow\quad \frac{dv}{dx} = -k$$
            So the speed falls linearly with distance, $v = v_0 - kx$, and
            $$x = \frac{v_0 - v_1}{k} = \frac{20 - 5.0}{0.50} = 30\,\mathrm{m}$$
            (Solving in time instead gives $v = v_0 e^{-kt}$, $t = \ln 4 / k = 2.77\,\mathrm{s}$,
            and
            integrating $v(t)$ over that time gives the same 30 m.)

            **Answer:** $x = 30\,\mathrm{m}$.
        """),
        concept="separable differential equation",
        params={"k": 0.50, "v0": 20.0, "v1": 5.0},
        answer=30.0,
        unit="m",
    ),
    QuestionSpec(
        slug="calculus-centre-of-mass-of-nonuniform-rod",
        topic="calculus",
        difficulty="hard",
        title="Centre of mass of a non-uniform rod",
        statement=md(r"""
            A rod of length $L = 2.0\,\mathrm{m}$ lies along $0 \le x \le L$. Its linear density
            grows along it as $\lambda(x) = a + b x$ with $a = 1.0\,\mathrm{kg/m}$ and
            $b = 2.0\,\mathrm{kg/m^2}$. Where is its centre of mass (in m from $x = 0$)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Total mass:
            $$M = \int_0^L (a + bx)\,dx = aL + \frac{b L^2}{2} = 2.0 + 4.0 = 6.0\,\mathrm{kg}$$
            First moment:
            $$\int_0^L x(a + bx)\,dx = \frac{a L^2}{2} + \frac{b L^3}{3} = 2.0 + 5.33 =
            7.33\,\mathrm{kg\,m}$$
            Centre of mass:
            $$x_{\mathrm{cm}} = \frac{7.33}{6.0} = 1.22\,\mathrm{m}$$
            It lies past the midpoint, towards the heavier end, as it should.

            **Answer:** $x_{\mathrm{cm}} \approx 1.22\,\mathrm{m}$.
        """),
        concept="centre of mass by integration",
        params={"L": 2.0, "a": 1.0, "b": 2.0},
        answer=1.222,
        unit="m",
    ),
    QuestionSpec(
        slug="calculus-energy-from-alternating-current",
        topic="calculus",
        difficulty="hard",
        title="Energy dissipated by an alternating current",
        statement=md(r"""
            A current $I(t) = I_0 \sin(2\pi f t)$ with $I_0 = 3.0\,\mathrm{A}$ and
            $f = 50\,\mathrm{Hz}$ flows through a resistor $R = 10\,\Omega$. How much energy is
            dissipated in $t_1 = 10\,\mathrm{s}$ (in J)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The instantaneous power is $P(t) = I(t)^2 R$, so the energy is
            $$E = \int_0^{t_1} I_0^2 R \sin^2(2\pi f t)\,dt$$
            Use $\sin^2 u = \frac{1}{2}(1 - \cos 2u)$. Over a whole number of periods
            ($t_1 f = 500$) the cosine integrates to zero, so the mean of $\sin^2$ is $\frac{1}{2}$:
            $$E = \frac{1}{2} I_0^2 R\, t_1 = \frac{1}{2} \cdot 3.0^2 \cdot 10 \cdot 10 =
            450\,\mathrm{J}$$
            (Equivalently, the RMS current is $I_0/\sqrt{2}$ and the mean power is
            $45\,\mathrm{W}$.)

            **Answer:** $E = 450\,\mathrm{J}$.
        """),
        concept="average of sin² over a period, RMS value",
        params={"I0": 3.0, "f": 50.0, "R": 10.0, "t1": 10.0},
        answer=450.0,
        unit="J",
    ),
)
