"""Calculus entries: the mathematics physics students lean on."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="derivative",
        title="Derivative as rate of change",
        topic="calculus",
        keywords=(
            "derivative",
            "rate of change",
            "differentiation",
            "slope of the tangent",
            "dy/dx",
            "instantaneous velocity",
            "differentiate",
        ),
        explanation=r"""
            The **derivative** of a function measures how fast it changes at an instant. For
            position $x(t)$, the average velocity over a short interval is $\Delta x/\Delta t$;
            shrinking the interval to zero gives the instantaneous rate:

            $$v(t) = \frac{dx}{dt} = \lim_{\Delta t \to 0} \frac{x(t + \Delta t) - x(t)}{\Delta t}.$$

            Geometrically, the derivative is the slope of the tangent line to the graph at that
            point. A few rules cover most physics: $\frac{d}{dt}t^n = n t^{n-1}$, the derivative
            of a constant is zero, and derivatives of sums add. Differentiating twice gives the
            rate of change of a rate: acceleration is $a = dv/dt = d^2x/dt^2$. Wherever physics
            says "rate", think derivative: current is $dQ/dt$ and power is $dE/dt$.
        """,
        example=r"""
            A ball's position is $x(t) = 5t^2 + 3t$ metres, with $t$ in seconds. Differentiating
            term by term with the power rule:

            $$v(t) = \frac{dx}{dt} = 10t + 3.$$

            At $t = 2\,\mathrm{s}$ the velocity is $v = 10(2) + 3 = 23\,\mathrm{m/s}$.
            Differentiating again gives $a = dv/dt = 10\,\mathrm{m/s^2}$, a constant acceleration.
            Compare with the average velocity between $t = 2$ and $t = 3\,\mathrm{s}$: $x$ goes
            from $26$ to $54\,\mathrm{m}$, an average of $28\,\mathrm{m/s}$. That is larger than
            $23\,\mathrm{m/s}$ because the ball keeps speeding up during the interval.
        """,
        simpler=r"""
            A car's speedometer shows a derivative. It doesn't tell you how far you have gone; it
            tells you how quickly your distance is changing right now. If the distance counter
            ticks up fast, the derivative is big; if the car is parked, it is zero. A derivative
            just means "how fast is this changing at this moment", for anything: distance,
            temperature, or money in a bank.
        """,
        alternative=r"""
            Zoom in on any smooth curve far enough and it looks like a straight line. The
            derivative is the steepness of that line. This "local linearity" is how Newton and
            Leibniz, working independently in the late 1600s, turned motion into algebra: within
            a tiny time step, even a changing speed is nearly constant, so distance covered is
            almost speed times step. Engineers use the same idea numerically. A phone's motion
            sensor samples data every few milliseconds and estimates rates from differences
            between neighbouring samples. Smaller steps bring that ratio closer to the true
            value, until measurement noise starts to dominate.
        """,
    ),
    ConceptSpec(
        slug="integral",
        title="Integral as accumulated area",
        topic="calculus",
        keywords=(
            "integral",
            "integration",
            "area under the curve",
            "antiderivative",
            "definite integral",
            "fundamental theorem of calculus",
        ),
        explanation=r"""
            An **integral** adds up a quantity that changes continuously. Split the interval into
            many thin strips of width $\Delta t$, multiply the height of each by its width and
            sum; as the strips get thinner, the sum becomes the definite integral:

            $$\int_a^b f(t)\,dt = \lim_{\Delta t \to 0} \sum f(t_i)\,\Delta t.$$

            Geometrically it is the signed area under the graph of $f$ between $a$ and $b$; area
            below the axis counts as negative. The **fundamental theorem of calculus** makes it
            computable: if $F' = f$, then $\int_a^b f\,dt = F(b) - F(a)$. So integration undoes
            differentiation. In physics, displacement is the integral of velocity over time, work
            is $\int F\,dx$, and charge is the integral of current over time.
        """,
        example=r"""
            A rocket sled's speed rises as $v(t) = 3t^2\,\mathrm{m/s}$. How far does it travel
            from $t = 0$ to $t = 2\,\mathrm{s}$? Displacement is the area under the velocity
            graph:

            $$\Delta x = \int_0^2 3t^2\,dt = \left[t^3\right]_0^2 = 8\,\mathrm{m}.$$

            Check with strips: four half-second strips, each evaluated at its midpoint
            ($t = 0.25, 0.75, 1.25, 1.75$), give
            $0.5 \times 3(0.0625 + 0.5625 + 1.5625 + 3.0625) = 7.875\,\mathrm{m}$, already close
            to $8\,\mathrm{m}$. More and thinner strips close the gap completely.
        """,
        simpler=r"""
            Imagine filling a bath while turning the tap up and down. To know how much water is
            in the bath, you add up how much flowed in during each second. An integral does
            exactly that: it adds up lots of tiny bits to get a total. On a graph, this total is
            the area under the line. Speed added up over time gives the distance travelled.
        """,
        alternative=r"""
            Think of an integral as a running total, like a car's odometer. The speedometer
            reading at each moment is the rate; the odometer quietly accumulates it. Archimedes
            used this strategy around 250 BC, finding the area of a parabolic segment by filling
            it with ever smaller triangles and summing them, nearly two thousand years before
            calculus had a name. Computers still integrate this way: a weather model or a game
            engine advances its state in small time steps, adding rate times step each time.
            Formulas such as $\int t^n\,dt = t^{n+1}/(n+1)$ (for $n \neq -1$) are shortcuts to
            the exact total that step-by-step addition approaches.
        """,
    ),
    ConceptSpec(
        slug="chain-rule",
        title="Chain rule",
        topic="calculus",
        keywords=(
            "chain rule",
            "composite function",
            "function of a function",
            "differentiate sin(3x)",
            "related rates",
        ),
        explanation=r"""
            The **chain rule** differentiates a function of a function. If $y$ depends on $u$ and
            $u$ depends on $x$, the rates multiply:

            $$\frac{dy}{dx} = \frac{dy}{du}\,\frac{du}{dx}.$$

            In practice: differentiate the outer function, keeping the inside unchanged, then
            multiply by the derivative of the inside. For example
            $\frac{d}{dx}\sin(3x) = 3\cos(3x)$ and
            $\frac{d}{dx}(1 + x^2)^5 = 5(1 + x^2)^4 \cdot 2x$. The chain rule appears wherever
            one quantity depends on time through another. A wave $y = A\sin(kx - \omega t)$ has
            transverse velocity $\partial y/\partial t = -A\omega\cos(kx - \omega t)$, and a
            decay $N_0 e^{-\lambda t}$ changes at the rate $-\lambda N_0 e^{-\lambda t}$.
        """,
        example=r"""
            A spherical balloon is inflated so that its radius grows at
            $dr/dt = 0.02\,\mathrm{m/s}$. How fast is its volume growing when
            $r = 0.10\,\mathrm{m}$? The volume depends on $r$, and $r$ depends on time, so

            $$\frac{dV}{dt} = \frac{dV}{dr}\,\frac{dr}{dt} = 4\pi r^2 \frac{dr}{dt}.$$

            Substituting, $dV/dt = 4\pi(0.10)^2(0.02) \approx 2.5\times10^{-3}\,\mathrm{m^3/s}$,
            about two and a half litres per second. The same steady growth of the radius gives a
            much faster growth of volume later on, because $dV/dr = 4\pi r^2$ increases with
            size.
        """,
        simpler=r"""
            Think of gears. If the first gear turns the second twice as fast, and the second
            turns the third three times as fast, then the third turns six times as fast as the
            first. You multiply the speed-ups along the chain. The chain rule does the same with
            changes: when one thing depends on another, which depends on a third, you multiply
            how strongly each link passes the change along.
        """,
        alternative=r"""
            Think in units, the way physicists often use the chain rule without noticing.
            Suppose fuel use depends on distance (litres per kilometre) and distance depends on
            time (kilometres per hour). Litres per hour must be litres per kilometre times
            kilometres per hour: the kilometres cancel like fractions. Leibniz's $dy/dx$
            notation makes this cancellation look natural, one reason it became standard. There
            is also a geometric reading: a composite map stretches a tiny interval first by one
            factor, then by another, so the total stretch is their product. Every unit
            conversion you do is the chain rule in disguise.
        """,
    ),
    ConceptSpec(
        slug="taylor-small-angle",
        title="Taylor series and the small-angle approximation",
        topic="calculus",
        keywords=(
            "taylor series",
            "small angle approximation",
            "sin x is about x",
            "maclaurin series",
            "linear approximation",
            "binomial approximation",
        ),
        explanation=r"""
            A **Taylor series** rewrites a smooth function near a point $a$ as a polynomial built
            from its derivatives there:

            $$f(x) = f(a) + f'(a)(x - a) + \frac{f''(a)}{2!}(x - a)^2 + \cdots$$

            Near $a$, the first one or two terms are often accurate enough, which turns hard
            equations into easy ones. Around $x = 0$, with angles in radians:

            $$\sin x \approx x, \qquad \cos x \approx 1 - \frac{x^2}{2}, \qquad \tan x \approx x.$$

            These are the **small-angle approximations**. The error in $\sin x \approx x$ is
            about $x^3/6$, under 1 % for angles below about $14^\circ$ ($0.24\,\mathrm{rad}$).
            Another favourite is the binomial form $(1 + x)^n \approx 1 + nx$ for $|x| \ll 1$,
            used throughout relativity and optics.
        """,
        example=r"""
            A pendulum obeys $\ddot{\theta} = -(g/L)\sin\theta$, which has no elementary
            solution. For small swings, $\sin\theta \approx \theta$ turns it into simple harmonic
            motion with period

            $$T = 2\pi\sqrt{\frac{L}{g}}.$$

            For $L = 1.00\,\mathrm{m}$ and $g = 9.81\,\mathrm{m/s^2}$, $T = 2.01\,\mathrm{s}$.
            How good is this? At an amplitude of $10^\circ$ the true period is only about 0.2 %
            longer, so a pendulum clock can rely on the formula. At $60^\circ$ the error grows to
            about 7 %, and the approximation should no longer be trusted.
        """,
        simpler=r"""
            Stand on a football pitch and the ground looks flat, even though the Earth is round.
            If you only look at a small patch, a curve looks almost like a straight line.
            Physicists use this trick all the time: for a small swing of a pendulum, they pretend
            a curved rule is a straight one. The maths becomes easy, and the answer is still very
            nearly right.
        """,
        alternative=r"""
            Picture an arc on a circle of radius one. The angle in radians is the arc length;
            $\sin\theta$ is the height of the arc's end above the axis. When the angle is small
            the arc is almost straight, so arc and height are nearly equal: that is all
            $\sin\theta \approx \theta$ says. Brook Taylor published the general method in 1715,
            and physicists have leaned on it ever since. In relativity, expanding
            $\gamma = (1 - v^2/c^2)^{-1/2}$ for slow speeds gives
            $E \approx mc^2 + \frac{1}{2}mv^2$, recovering ordinary kinetic energy as the first
            correction. A good approximation is not a cheat; it shows which physics dominates.
        """,
    ),
    ConceptSpec(
        slug="vectors-components",
        title="Vectors and components",
        topic="calculus",
        keywords=(
            "vectors",
            "vector components",
            "resolving vectors",
            "scalar vs vector",
            "magnitude and direction",
            "adding vectors",
        ),
        explanation=r"""
            A **vector** has magnitude and direction (displacement, velocity, force); a
            **scalar** has only magnitude (mass, temperature, energy). Any vector in a plane can
            be **resolved** into perpendicular components. For a vector of magnitude $F$ at angle
            $\theta$ to the $x$-axis:

            $$F_x = F\cos\theta, \qquad F_y = F\sin\theta.$$

            Going back, the magnitude and direction are

            $$F = \sqrt{F_x^2 + F_y^2}, \qquad \tan\theta = \frac{F_y}{F_x}.$$

            Components make vector addition easy: add all the $x$-components, add all the
            $y$-components, then recombine. Because perpendicular directions are independent, a
            two-dimensional problem splits into two one-dimensional problems. Choose axes to suit
            the problem, for example along and perpendicular to a slope.
        """,
        example=r"""
            A $50\,\mathrm{N}$ force pulls at $37^\circ$ above the horizontal. Its components are

            $$F_x = 50\cos 37^\circ \approx 40\,\mathrm{N}, \qquad
            F_y = 50\sin 37^\circ \approx 30\,\mathrm{N}.$$

            Now add a second force of $20\,\mathrm{N}$ pointing straight down. The resultant has
            $R_x = 40\,\mathrm{N}$ and $R_y = 30 - 20 = 10\,\mathrm{N}$, so
            $R = \sqrt{40^2 + 10^2} \approx 41\,\mathrm{N}$, at $\arctan(10/40) \approx 14^\circ$
            above the horizontal. A careful scale drawing, placing the arrows head to tail, gives
            the same answer, but components are quicker and exact.
        """,
        simpler=r"""
            Imagine walking to a friend's house three blocks east and four blocks north. You
            could describe the trip as "five blocks, roughly north-east", or as "three east plus
            four north". Both say the same thing. Splitting an arrow into east and north parts
            like this is called finding its components, and it makes adding up lots of trips or
            pushes much easier.
        """,
        alternative=r"""
            Think of a vector's components as its shadows. Shine a lamp straight down and a
            tilted stick casts a horizontal shadow; shine one from the side and you get a
            vertical shadow. Those two shadows, $F\cos\theta$ and $F\sin\theta$, are the
            components. Historically, the idea grew out of the parallelogram of forces used by
            Stevin and Newton, and in the 1880s Gibbs and Heaviside distilled Hamilton's
            quaternions into the vector notation physicists use today. The shadow picture shows
            why the method works: a push sideways casts no shadow on the vertical wall, so each
            direction can be solved separately.
        """,
    ),
    ConceptSpec(
        slug="dot-cross-product",
        title="Dot and cross products",
        topic="calculus",
        keywords=(
            "dot product",
            "cross product",
            "scalar product",
            "vector product",
            "right-hand rule",
            "angle between vectors",
        ),
        explanation=r"""
            Two vectors can be multiplied in two useful ways. The **dot (scalar) product** gives
            a number:

            $$\vec{A}\cdot\vec{B} = AB\cos\theta = A_xB_x + A_yB_y + A_zB_z.$$

            It measures how much the vectors point the same way: largest when parallel, zero when
            perpendicular. Work is a dot product, $W = \vec{F}\cdot\vec{d}$. The **cross
            (vector) product** gives a vector,

            $$|\vec{A}\times\vec{B}| = AB\sin\theta,$$

            perpendicular to both, with its direction from the right-hand rule: fingers along
            $\vec{A}$, curl them towards $\vec{B}$, and the thumb points along
            $\vec{A}\times\vec{B}$. It is largest when the vectors are perpendicular, zero when
            parallel, and $\vec{B}\times\vec{A} = -\vec{A}\times\vec{B}$. Torque
            $\vec{r}\times\vec{F}$ and the magnetic force $q\vec{v}\times\vec{B}$ are cross
            products.
        """,
        example=r"""
            A force $\vec{F} = (3, 4, 0)\,\mathrm{N}$ moves a box through
            $\vec{d} = (5, 0, 0)\,\mathrm{m}$. The work done is

            $$W = \vec{F}\cdot\vec{d} = 3(5) + 4(0) + 0(0) = 15\,\mathrm{J}.$$

            Only the $3\,\mathrm{N}$ component along the motion does work; the $4\,\mathrm{N}$
            sideways part does none. Now apply the same force at
            $\vec{r} = (0, 2, 0)\,\mathrm{m}$ from a pivot. The torque $\vec{r}\times\vec{F}$
            has $z$-component $r_xF_y - r_yF_x = 0(4) - 2(3) = -6\,\mathrm{N\,m}$: magnitude
            $6\,\mathrm{N\,m}$, pointing along $-z$, so the turning is clockwise seen from above.
        """,
        simpler=r"""
            The dot product asks: how much do two arrows point the same way? Pushing a trolley
            straight ahead counts fully; pushing it from the side doesn't help it go forward at
            all. The cross product asks: how much do two arrows make something twist? Pushing a
            door at its edge, straight into it, turns it best; pushing along the door towards the
            hinges does nothing.
        """,
        alternative=r"""
            Geometry gives each product a picture. The dot product is a projection: drop a
            perpendicular from the tip of one arrow onto the other and multiply that shadow
            length by the second arrow's length. The cross product is an area: its size equals
            the area of the parallelogram the two arrows span, and it points straight out of
            that parallelogram, like a flagpole planted in a tile. So a dot product vanishes for
            arrows at right angles (no shadow), and a cross product vanishes for parallel arrows
            (a squashed tile). Computer graphics relies on both: dot products set how brightly
            light strikes a surface, cross products find which way a surface faces.
        """,
    ),
    ConceptSpec(
        slug="differential-equations",
        title="Differential equations in physics",
        topic="calculus",
        keywords=(
            "differential equation",
            "ODE",
            "rate equation",
            "dN/dt = -kN",
            "initial conditions",
            "equation of motion",
        ),
        explanation=r"""
            A **differential equation** relates a quantity to its own rates of change. Physical
            laws are usually stated this way because they say what happens next from what is
            true now. The simplest first-order example is proportional decay,

            $$\frac{dN}{dt} = -\lambda N \quad\Rightarrow\quad N(t) = N_0 e^{-\lambda t},$$

            which describes radioactive decay, capacitor discharge and cooling. Newton's second
            law for a mass on a spring is second order:

            $$m\frac{d^2x}{dt^2} = -kx \quad\Rightarrow\quad x(t) = A\cos(\omega t + \phi),
            \quad \omega = \sqrt{k/m}.$$

            Solving means finding a function, not a number. The general solution contains
            constants ($N_0$; $A$ and $\phi$) fixed by **initial conditions** such as the
            starting position and velocity. When no formula exists, computers step the equation
            forward in small time steps.
        """,
        example=r"""
            A $100\,\mu\mathrm{F}$ capacitor charged to $9.0\,\mathrm{V}$ discharges through a
            $10\,\mathrm{k}\Omega$ resistor. The current $I = V/R$ drains its charge, so
            $dQ/dt = -Q/RC$. The solution is

            $$V(t) = V_0 e^{-t/RC}, \qquad RC = (10^4)(10^{-4}) = 1.0\,\mathrm{s}.$$

            After $1\,\mathrm{s}$ the voltage is $9.0\,e^{-1} \approx 3.3\,\mathrm{V}$; after
            $3\,\mathrm{s}$ it is $9.0\,e^{-3} \approx 0.45\,\mathrm{V}$. The equation fixes the
            shape of the whole curve; the initial condition $V_0 = 9.0\,\mathrm{V}$ picks out the
            one curve that matches this circuit.
        """,
        simpler=r"""
            A differential equation is a rule like: "the more water in the bucket, the faster it
            leaks out". It doesn't tell you directly how much water there is at each moment; it
            tells you how the amount changes. Start from how full the bucket is now, follow the
            rule step by step, and you can predict the future. Most laws of physics are rules of
            this kind.
        """,
        alternative=r"""
            Think of a differential equation as road signs covering a map: at every point, an
            arrow says which way and how fast to move next. A solution is the route you trace by
            following the arrows from a chosen starting point; different starts give different
            routes. This "slope field" picture is how Euler, in the 1760s, first solved such
            equations numerically, by taking small steps along the arrows. Spacecraft navigation
            software does the same thing today, with far smaller steps and cleverer rules. It
            also explains why initial conditions matter: the signs are the laws of physics, but
            where you begin decides where you end up.
        """,
    ),
)
