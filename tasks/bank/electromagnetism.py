"""Electricity & Magnetism: charges, circuits, fields and induction."""

from math import pi

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="electromagnetism",
    name="Electricity & Magnetism",
    description=(
        "Coulomb's law, circuits with resistors and capacitors, electric power, magnetic fields "
        "and forces, charged particles in fields and electromagnetic induction."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="electromagnetism-ohms-law-current",
        topic="electromagnetism",
        difficulty="easy",
        title="Current through a resistor",
        statement=md(r"""
            A $V = 9.0\,\mathrm{V}$ battery is connected across a resistor of
            $R = 150\,\Omega$. What current flows (in mA)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Ohm's law:
            $$I = \frac{V}{R} = \frac{9.0}{150} = 0.060\,\mathrm{A} = 60\,\mathrm{mA}$$

            **Answer:** $I = 60\,\mathrm{mA}$.
        """),
        concept="Ohm's law",
        params={"V": 9.0, "R": 150.0},
        answer=60.0,
        unit="mA",
    ),
    QuestionSpec(
        slug="electromagnetism-coulomb-force-two-charges",
        topic="electromagnetism",
        difficulty="easy",
        title="Force between two charges",
        statement=md(r"""
            Two small spheres carry charges $q_1 = 2.0\,\mu\mathrm{C}$ and
            $q_2 = 3.0\,\mu\mathrm{C}$ and are $r = 0.10\,\mathrm{m}$ apart. With
            $k = 8.99 \times 10^9\,\mathrm{N\,m^2/C^2}$, what is the magnitude of the force between
            them (in N)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Coulomb's law:
            $$F = \frac{k q_1 q_2}{r^2} = \frac{8.99 \times 10^9 \cdot 2.0 \times 10^{-6} \cdot 3.0
            \times 10^{-6}}{0.10^2} = 5.39\,\mathrm{N}$$
            Both charges are positive, so the force is repulsive.

            **Answer:** $F \approx 5.39\,\mathrm{N}$.
        """),
        concept="Coulomb's law",
        params={"q1": 2.0e-6, "q2": 3.0e-6, "r": 0.10, "k": 8.99e9},
        answer=5.394,
        unit="N",
    ),
    QuestionSpec(
        slug="electromagnetism-kettle-current",
        topic="electromagnetism",
        difficulty="easy",
        title="Current drawn by a kettle",
        statement=md(r"""
            An electric kettle is rated $P = 2.0\,\mathrm{kW}$ at the mains voltage
            $V = 230\,\mathrm{V}$. What current does it draw (in A)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Electric power is $P = V I$:
            $$I = \frac{P}{V} = \frac{2000}{230} = 8.70\,\mathrm{A}$$

            **Answer:** $I \approx 8.70\,\mathrm{A}$.
        """),
        concept="electric power",
        params={"P": 2000.0, "V": 230.0},
        answer=8.696,
        unit="A",
    ),
    QuestionSpec(
        slug="electromagnetism-capacitor-charge",
        topic="electromagnetism",
        difficulty="easy",
        title="Charge on a capacitor",
        statement=md(r"""
            A capacitor of capacitance $C = 47\,\mu\mathrm{F}$ is charged to $V = 12\,\mathrm{V}$.
            How much charge is stored on its plates (in μC)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$Q = C V = 47 \times 10^{-6} \cdot 12 = 5.64 \times 10^{-4}\,\mathrm{C} =
            564\,\mu\mathrm{C}$$

            **Answer:** $Q = 564\,\mu\mathrm{C}$.
        """),
        concept="capacitance",
        params={"C": 47e-6, "V": 12.0},
        answer=564.0,
        unit="μC",
    ),
    QuestionSpec(
        slug="electromagnetism-parallel-identical-resistors-choice",
        topic="electromagnetism",
        difficulty="easy",
        title="Two equal resistors in parallel",
        statement=md(r"""
            Two identical resistors, each of resistance $R$, are connected in parallel. What is the
            equivalent resistance?
        """),
        answer_kind="choice",
        solution=md(r"""
            For parallel resistors the reciprocals add:
            $$\frac{1}{R_{\mathrm{eq}}} = \frac{1}{R} + \frac{1}{R} = \frac{2}{R}
            \quad\Rightarrow\quad R_{\mathrm{eq}} = \frac{R}{2}$$
            Two parallel paths let more current through, so the resistance must drop. $2R$ is the
            series result.

            **Answer:** $R/2$.
        """),
        concept="resistors in parallel",
        options=(
            OptionSpec("a", r"$2R$"),
            OptionSpec("b", r"$R$"),
            OptionSpec("c", r"$R/2$"),
            OptionSpec("d", r"$R^2$"),
        ),
        correct_option="c",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="electromagnetism-parallel-resistors-battery-current",
        topic="electromagnetism",
        difficulty="medium",
        title="Current from a battery into a parallel pair",
        statement=md(r"""
            Resistors $R_1 = 4.0\,\Omega$ and $R_2 = 6.0\,\Omega$ are connected in parallel across
            an ideal $V = 12\,\mathrm{V}$ battery. What current does the battery deliver (in A)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Equivalent resistance:
            $$R = \frac{R_1 R_2}{R_1 + R_2} = \frac{4.0 \cdot 6.0}{10} = 2.4\,\Omega$$
            Total current:
            $$I = \frac{V}{R} = \frac{12}{2.4} = 5.0\,\mathrm{A}$$
            Check: $12/4.0 + 12/6.0 = 3.0 + 2.0 = 5.0\,\mathrm{A}$. ✓

            **Answer:** $I = 5.0\,\mathrm{A}$.
        """),
        concept="parallel circuits, Ohm's law",
        params={"R1": 4.0, "R2": 6.0, "V": 12.0},
        answer=5.0,
        unit="A",
    ),
    QuestionSpec(
        slug="electromagnetism-magnetic-field-of-long-wire",
        topic="electromagnetism",
        difficulty="medium",
        title="Magnetic field near a cable",
        statement=md(r"""
            A long straight cable carries a current $I = 20\,\mathrm{A}$. What is the magnetic field
            strength $r = 5.0\,\mathrm{cm}$ from it (in μT)? Use
            $\mu_0 = 4\pi \times 10^{-7}\,\mathrm{T\,m/A}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Field of a long straight wire (Ampère's law), with $r$ in metres:
            $$B = \frac{\mu_0 I}{2\pi r} = \frac{4\pi \times 10^{-7} \cdot 20}{2\pi \cdot 0.050} =
            8.0 \times 10^{-5}\,\mathrm{T} = 80\,\mu\mathrm{T}$$
            That is about Earth's field, enough to deflect a compass nearby.

            **Answer:** $B = 80\,\mu\mathrm{T}$.
        """),
        concept="magnetic field of a straight current",
        params={"I": 20.0, "r": 0.050, "mu0": 4 * pi * 1e-7},
        answer=80.0,
        unit="μT",
    ),
    QuestionSpec(
        slug="electromagnetism-rc-charging-to-ninety-percent",
        topic="electromagnetism",
        difficulty="medium",
        title="Charging a capacitor to 90 %",
        statement=md(r"""
            A capacitor $C = 100\,\mu\mathrm{F}$ is charged through a resistor
            $R = 10\,\mathrm{k}\Omega$ from a constant-voltage source. How long does it take to
            reach $90\,\%$ of the final voltage (in s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Time constant:
            $$\tau = R C = 10 \times 10^3 \cdot 100 \times 10^{-6} = 1.0\,\mathrm{s}$$
            The voltage rises as $V(t) = V_0 (1 - e^{-t/\tau})$. Set $V = 0.90\,V_0$:
            $$e^{-t/\tau} = 0.10 \quad\Rightarrow\quad t = \tau \ln 10 = 2.30\,\mathrm{s}$$

            **Answer:** $t \approx 2.30\,\mathrm{s}$.
        """),
        concept="RC circuit charging",
        params={"C": 100e-6, "R": 10e3, "fraction": 0.90},
        answer=2.303,
        unit="s",
    ),
    QuestionSpec(
        slug="electromagnetism-induced-emf-in-coil",
        topic="electromagnetism",
        difficulty="medium",
        title="EMF induced in a coil",
        statement=md(r"""
            A coil of $N = 200$ turns, each of area $A = 0.010\,\mathrm{m^2}$, sits perpendicular to
            a magnetic field that rises uniformly from $0$ to $B = 0.50\,\mathrm{T}$ in
            $\Delta t = 0.20\,\mathrm{s}$. What is the magnitude of the induced EMF (in V)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Change of flux through one turn:
            $$\Delta\Phi = A\,\Delta B = 0.010 \cdot 0.50 = 5.0 \times 10^{-3}\,\mathrm{Wb}$$
            Faraday's law for $N$ turns:
            $$|\mathcal{E}| = N \frac{\Delta\Phi}{\Delta t} = 200 \cdot \frac{5.0 \times
            10^{-3}}{0.20} = 5.0\,\mathrm{V}$$

            **Answer:** $|\mathcal{E}| = 5.0\,\mathrm{V}$.
        """),
        concept="Faraday's law of induction",
        params={"N": 200.0, "A": 0.010, "B": 0.50, "dt": 0.20},
        answer=5.0,
        unit="V",
    ),
    QuestionSpec(
        slug="electromagnetism-lenz-law-magnet-into-coil-choice",
        topic="electromagnetism",
        difficulty="medium",
        title="Pushing a magnet into a coil",
        statement=md(r"""
            The north pole of a bar magnet is pushed into a coil connected to a lamp, so the
            magnetic flux $\Phi$ through the coil increases. Which magnetic pole does the induced
            current create at the end of the coil facing the magnet?
        """),
        answer_kind="choice",
        solution=md(r"""
            Lenz's law: the induced current opposes the **change** in flux that causes it. The
            flux from the approaching north pole grows, so the coil makes a north pole facing it
            and repels the magnet. (If it attracted the magnet, energy would come from nothing.)
            Pulling the magnet out would reverse the current and give a south pole.

            **Answer:** a north pole, repelling the magnet.
        """),
        concept="Lenz's law",
        options=(
            OptionSpec("a", "A north pole, repelling the magnet"),
            OptionSpec("b", "A south pole, attracting the magnet"),
            OptionSpec("c", "No pole: no current flows while the magnet moves"),
            OptionSpec("d", "It depends only on how fast the magnet moves"),
        ),
        correct_option="a",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="electromagnetism-electron-circle-in-magnetic-field",
        topic="electromagnetism",
        difficulty="hard",
        title="Electron beam bent into a circle",
        statement=md(r"""
            Electrons are accelerated from rest through a potential difference $U = 500\,\mathrm{V}$
            and then enter a uniform magnetic field $B = 2.0\,\mathrm{mT}$ perpendicular to their
            velocity. What is the radius of their circular path (in cm)? Use
            $e = 1.602 \times 10^{-19}\,\mathrm{C}$ and $m_e = 9.109 \times 10^{-31}\,\mathrm{kg}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            **Acceleration:** the field's work becomes kinetic energy, $eU = \frac{1}{2} m_e v^2$:
            $$v = \sqrt{\frac{2 e U}{m_e}} = \sqrt{\frac{2 \cdot 1.602 \times 10^{-19} \cdot
            500}{9.109 \times 10^{-31}}} = 1.33 \times 10^7\,\mathrm{m/s}$$
            **Circle:** the magnetic force is the centripetal force, $e v B = m_e v^2 / r$:
            $$r = \frac{m_e v}{e B} = \frac{9.109 \times 10^{-31} \cdot 1.326 \times 10^7}{1.602
            \times 10^{-19} \cdot 2.0 \times 10^{-3}} = 0.0377\,\mathrm{m}$$

            **Answer:** $r \approx 3.77\,\mathrm{cm}$.
        """),
        concept="charged particle in a magnetic field",
        params={"U": 500.0, "B": 2.0e-3, "e": 1.602e-19, "me": 9.109e-31},
        answer=3.770,
        unit="cm",
    ),
    QuestionSpec(
        slug="electromagnetism-maximum-power-transfer",
        topic="electromagnetism",
        difficulty="hard",
        title="Maximum power from a battery",
        statement=md(r"""
            A battery has EMF $\mathcal{E} = 12.0\,\mathrm{V}$ and internal resistance
            $r = 0.50\,\Omega$. Which load resistance $R$ receives the most power, and what is that
            maximum power (in W)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The current is $I = \mathcal{E}/(R + r)$, so the load receives
            $$P(R) = I^2 R = \frac{\mathcal{E}^2 R}{(R + r)^2}$$
            Differentiate and set to zero:
            $$\frac{dP}{dR} = \mathcal{E}^2 \frac{(R + r) - 2R}{(R + r)^3} = 0 \quad\Rightarrow\quad
            R = r = 0.50\,\Omega$$
            Then
            $$P_{\max} = \frac{\mathcal{E}^2}{4r} = \frac{12.0^2}{4 \cdot 0.50} = 72\,\mathrm{W}$$
            (with the same $72\,\mathrm{W}$ wasted inside the battery: 50 % efficiency).

            **Answer:** $R = 0.50\,\Omega$, $P_{\max} = 72\,\mathrm{W}$.
        """),
        concept="internal resistance and maximum power transfer",
        params={"emf": 12.0, "r": 0.50},
        answer=72.0,
        unit="W",
    ),
    QuestionSpec(
        slug="electromagnetism-capacitor-energy-derivation",
        topic="electromagnetism",
        difficulty="hard",
        title="Energy stored in a capacitor",
        statement=md(r"""
            A capacitor $C$ is charged from $0$ to a final voltage $V$. By adding the work needed to
            bring each small charge $dq$ onto the plates, show that the stored energy is
            $U = \frac{1}{2} C V^2$. Why is it not $Q V$?
        """),
        answer_kind="self",
        solution=md(r"""
            When the capacitor holds charge $q$, its voltage is $v = q/C$. Moving a further $dq$
            across that voltage takes work
            $$dW = v\,dq = \frac{q}{C}\,dq$$
            Add up from empty to the final charge $Q = CV$:
            $$U = \int_0^Q \frac{q}{C}\,dq = \frac{Q^2}{2C} = \frac{1}{2} C V^2 = \frac{1}{2} Q V$$
            It is not $QV$ because the voltage is not $V$ all along: it rises linearly from $0$ to
            $V$, so the average voltage the charge is moved across is $V/2$. (A battery charging
            it through a resistor supplies $QV$; the other half is dissipated as heat.)

            **Result:** $U = \frac{1}{2}CV^2$; the average voltage during charging is $V/2$.
        """),
        concept="energy stored in a capacitor",
    ),
    QuestionSpec(
        slug="electromagnetism-transmission-line-loss",
        topic="electromagnetism",
        difficulty="hard",
        title="Why power lines use high voltage",
        statement=md(r"""
            A power station delivers $P = 10\,\mathrm{MW}$ to a town through a line of total
            resistance $R = 5.0\,\Omega$. The transmission voltage is $V = 132\,\mathrm{kV}$. How
            much power is lost as heat in the line (in kW)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Line current:
            $$I = \frac{P}{V} = \frac{10 \times 10^6}{132 \times 10^3} = 75.8\,\mathrm{A}$$
            Heating in the line:
            $$P_{\mathrm{loss}} = I^2 R = 75.8^2 \cdot 5.0 = 2.87 \times 10^4\,\mathrm{W} =
            28.7\,\mathrm{kW}$$
            only about $0.3\,\%$ of the power. At $11\,\mathrm{kV}$ the loss would be 144 times
            larger, since it scales as $1/V^2$.

            **Answer:** $P_{\mathrm{loss}} \approx 28.7\,\mathrm{kW}$.
        """),
        concept="power loss in transmission lines",
        params={"P": 10e6, "R": 5.0, "V": 132e3},
        answer=28.70,
        unit="kW",
    ),
    QuestionSpec(
        slug="electromagnetism-parallel-plate-capacitor-energy",
        topic="electromagnetism",
        difficulty="hard",
        title="Energy in a parallel-plate capacitor",
        statement=md(r"""
            A parallel-plate capacitor has square plates of side $a = 0.20\,\mathrm{m}$,
            separated by $d = 1.0\,\mathrm{mm}$ of air, and is charged to $V = 100\,\mathrm{V}$.
            With $\varepsilon_0 = 8.854 \times 10^{-12}\,\mathrm{F/m}$, how much energy does it
            store (in μJ)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Plate area $A = a^2 = 0.040\,\mathrm{m^2}$. Capacitance:
            $$C = \frac{\varepsilon_0 A}{d} = \frac{8.854 \times 10^{-12} \cdot 0.040}{1.0 \times
            10^{-3}} = 3.54 \times 10^{-10}\,\mathrm{F}$$
            Stored energy:
            $$U = \frac{1}{2} C V^2 = \frac{1}{2} \cdot 3.54 \times 10^{-10} \cdot 100^2 = 1.77
            \times 10^{-6}\,\mathrm{J} = 1.77\,\mu\mathrm{J}$$

            **Answer:** $U \approx 1.77\,\mu\mathrm{J}$.
        """),
        concept="parallel-plate capacitor",
        params={"a": 0.20, "d": 1.0e-3, "V": 100.0, "eps0": 8.854e-12},
        answer=1.771,
        unit="μJ",
    ),
)
