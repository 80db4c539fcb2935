"""Thermodynamics: heat, ideal gases, the laws of thermodynamics and heat engines."""

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="thermodynamics",
    name="Thermodynamics",
    description=(
        "Temperature and heat, specific and latent heat, thermal expansion and conduction, the "
        "ideal gas, work in gas processes, heat engines, refrigerators and entropy."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="thermodynamics-heat-to-warm-water",
        topic="thermodynamics",
        difficulty="easy",
        title="Heating water for tea",
        statement=md(r"""
            How much heat is needed to warm $m = 0.50\,\mathrm{kg}$ of water from
            $20\,{}^\circ\mathrm{C}$ ($293.15\,\mathrm{K}$) to $80\,{}^\circ\mathrm{C}$
            ($353.15\,\mathrm{K}$)? The specific heat of water is
            $c = 4186\,\mathrm{J/(kg\,K)}$. Give the answer in kJ.
        """),
        answer_kind="numeric",
        solution=md(r"""
            A temperature difference is the same in °C and K: $\Delta T = 60\,\mathrm{K}$.
            $$Q = m c \Delta T = 0.50 \cdot 4186 \cdot 60 = 1.26 \times 10^5\,\mathrm{J} =
            126\,\mathrm{kJ}$$

            **Answer:** $Q \approx 126\,\mathrm{kJ}$.
        """),
        concept="specific heat capacity",
        params={"m": 0.50, "T1": 293.15, "T2": 353.15, "c": 4186.0},
        answer=125.6,
        unit="kJ",
    ),
    QuestionSpec(
        slug="thermodynamics-ideal-gas-pressure",
        topic="thermodynamics",
        difficulty="easy",
        title="Pressure of a gas in a container",
        statement=md(r"""
            A container of volume $V = 0.050\,\mathrm{m^3}$ holds $n = 2.0\,\mathrm{mol}$ of an
            ideal gas at $T = 300\,\mathrm{K}$. With $R = 8.314\,\mathrm{J/(mol\,K)}$, what is the
            pressure (in kPa)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Ideal gas law:
            $$p = \frac{n R T}{V} = \frac{2.0 \cdot 8.314 \cdot 300}{0.050} = 9.98 \times
            10^4\,\mathrm{Pa} = 99.8\,\mathrm{kPa}$$
            (about atmospheric pressure).

            **Answer:** $p \approx 99.8\,\mathrm{kPa}$.
        """),
        concept="ideal gas law",
        params={"V": 0.050, "n": 2.0, "T": 300.0, "R": 8.314},
        answer=99.77,
        unit="kPa",
    ),
    QuestionSpec(
        slug="thermodynamics-rail-thermal-expansion",
        topic="thermodynamics",
        difficulty="easy",
        title="Expansion of a steel rail",
        statement=md(r"""
            A steel rail is $L = 25\,\mathrm{m}$ long. Steel's coefficient of linear expansion is
            $\alpha = 1.2 \times 10^{-5}\,\mathrm{K^{-1}}$. By how much does the rail lengthen when
            its temperature rises by $\Delta T = 40\,\mathrm{K}$ (in mm)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$\Delta L = \alpha L \Delta T = 1.2 \times 10^{-5} \cdot 25 \cdot 40 =
            0.012\,\mathrm{m} = 12\,\mathrm{mm}$$
            This is why rails are laid with expansion gaps.

            **Answer:** $\Delta L = 12\,\mathrm{mm}$.
        """),
        concept="linear thermal expansion",
        params={"L": 25.0, "alpha": 1.2e-5, "dT": 40.0},
        answer=12.0,
        unit="mm",
    ),
    QuestionSpec(
        slug="thermodynamics-carnot-efficiency",
        topic="thermodynamics",
        difficulty="easy",
        title="Maximum efficiency of a heat engine",
        statement=md(r"""
            A heat engine works between a hot reservoir at $T_h = 600\,\mathrm{K}$ and a cold one
            at $T_c = 300\,\mathrm{K}$. What is the highest efficiency it could possibly reach
            (in %)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The Carnot efficiency is the upper limit for any engine between two temperatures
            (in kelvin):
            $$\eta = 1 - \frac{T_c}{T_h} = 1 - \frac{300}{600} = 0.50 = 50\,\%$$

            **Answer:** $\eta = 50\,\%$.
        """),
        concept="Carnot efficiency",
        params={"Th": 600.0, "Tc": 300.0},
        answer=50.0,
        unit="%",
    ),
    QuestionSpec(
        slug="thermodynamics-process-with-no-work-choice",
        topic="thermodynamics",
        difficulty="easy",
        title="A process without work",
        statement=md(r"""
            An ideal gas is heated. In which kind of process does the gas do **no** work
            $W = \int p\,dV$ on its surroundings?
        """),
        answer_kind="choice",
        solution=md(r"""
            $W = \int p\,dV$ is zero only if the volume does not change: an **isochoric**
            (constant-volume) process. Then all the heat raises the internal energy,
            $Q = \Delta U$. An adiabatic process has $Q = 0$, not $W = 0$.

            **Answer:** isochoric.
        """),
        concept="work in gas processes, first law",
        options=(
            OptionSpec("a", "Isobaric (constant pressure)"),
            OptionSpec("b", "Isothermal (constant temperature)"),
            OptionSpec("c", "Adiabatic (no heat exchange)"),
            OptionSpec("d", "Isochoric (constant volume)"),
        ),
        correct_option="d",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="thermodynamics-mixing-hot-and-cold-water",
        topic="thermodynamics",
        difficulty="medium",
        title="Mixing hot and cold water",
        statement=md(r"""
            $m_1 = 0.20\,\mathrm{kg}$ of water at $T_1 = 353.15\,\mathrm{K}$
            ($80\,{}^\circ\mathrm{C}$)
            is poured into $m_2 = 0.30\,\mathrm{kg}$ of water at $T_2 = 293.15\,\mathrm{K}$
            ($20\,{}^\circ\mathrm{C}$) in an insulated flask. What is the final temperature (in K)?
            Neglect the flask's heat capacity.
        """),
        answer_kind="numeric",
        solution=md(r"""
            The heat lost by the hot water equals the heat gained by the cold water:
            $$m_1 c (T_1 - T) = m_2 c (T - T_2)$$
            The specific heat cancels:
            $$T = \frac{m_1 T_1 + m_2 T_2}{m_1 + m_2} = \frac{0.20 \cdot 353.15 + 0.30 \cdot
            293.15}{0.50} = 317.15\,\mathrm{K}$$
            that is $44\,{}^\circ\mathrm{C}$.

            **Answer:** $T \approx 317\,\mathrm{K}$.
        """),
        concept="calorimetry, heat balance",
        params={"m1": 0.20, "T1": 353.15, "m2": 0.30, "T2": 293.15},
        answer=317.15,
        unit="K",
        tolerance=0.003,
    ),
    QuestionSpec(
        slug="thermodynamics-melting-cold-ice",
        topic="thermodynamics",
        difficulty="medium",
        title="Melting ice from the freezer",
        statement=md(r"""
            How much heat is needed to turn $m = 0.25\,\mathrm{kg}$ of ice at
            $-10\,{}^\circ\mathrm{C}$ into water at $0\,{}^\circ\mathrm{C}$ (in kJ)? The specific
            heat of ice is $c = 2100\,\mathrm{J/(kg\,K)}$ and the latent heat of fusion is
            $L_f = 334\,\mathrm{kJ/kg}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Two stages. Warm the ice to the melting point ($\Delta T = 10\,\mathrm{K}$):
            $$Q_1 = m c \Delta T = 0.25 \cdot 2100 \cdot 10 = 5.25\,\mathrm{kJ}$$
            Then melt it at constant temperature:
            $$Q_2 = m L_f = 0.25 \cdot 334 = 83.5\,\mathrm{kJ}$$
            $$Q = Q_1 + Q_2 = 88.8\,\mathrm{kJ}$$
            Melting takes far more heat than warming.

            **Answer:** $Q \approx 88.8\,\mathrm{kJ}$.
        """),
        concept="specific heat and latent heat",
        params={"m": 0.25, "dT": 10.0, "c": 2100.0, "Lf": 334e3},
        answer=88.75,
        unit="kJ",
    ),
    QuestionSpec(
        slug="thermodynamics-isothermal-expansion-work",
        topic="thermodynamics",
        difficulty="medium",
        title="Work in an isothermal expansion",
        statement=md(r"""
            $n = 1.0\,\mathrm{mol}$ of an ideal gas expands slowly at a constant
            $T = 300\,\mathrm{K}$ from $V_1 = 10\,\mathrm{L}$ to $V_2 = 30\,\mathrm{L}$. How much
            work does the gas do (in J)? Use $R = 8.314\,\mathrm{J/(mol\,K)}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            At constant temperature $p = nRT/V$, so
            $$W = \int_{V_1}^{V_2} p\,dV = nRT \int_{V_1}^{V_2} \frac{dV}{V} = nRT
            \ln\frac{V_2}{V_1}$$
            $$W = 1.0 \cdot 8.314 \cdot 300 \cdot \ln 3 = 2494 \cdot 1.099 = 2.74 \times
            10^3\,\mathrm{J}$$

            **Answer:** $W \approx 2740\,\mathrm{J}$.
        """),
        concept="isothermal work of an ideal gas",
        params={"n": 1.0, "T": 300.0, "V1": 10e-3, "V2": 30e-3, "R": 8.314},
        answer=2740.0,
        unit="J",
    ),
    QuestionSpec(
        slug="thermodynamics-heat-loss-through-window",
        topic="thermodynamics",
        difficulty="medium",
        title="Heat loss through a window pane",
        statement=md(r"""
            A single glass pane has area $A = 1.5\,\mathrm{m^2}$ and thickness
            $d = 4.0\,\mathrm{mm}$; glass conducts with $k = 0.80\,\mathrm{W/(m\,K)}$. Its two
            surfaces are at temperatures differing by $\Delta T = 20\,\mathrm{K}$. At what rate does
            heat flow through it (in kW)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Fourier's law of conduction, with the thickness in metres:
            $$P = \frac{k A \Delta T}{d} = \frac{0.80 \cdot 1.5 \cdot 20}{4.0 \times 10^{-3}} = 6.0
            \times 10^3\,\mathrm{W} = 6.0\,\mathrm{kW}$$
            (In practice thin air layers on both surfaces reduce this a lot, which is why double
            glazing works.)

            **Answer:** $P = 6.0\,\mathrm{kW}$.
        """),
        concept="thermal conduction",
        params={"A": 1.5, "d": 4.0e-3, "k": 0.80, "dT": 20.0},
        answer=6.0,
        unit="kW",
    ),
    QuestionSpec(
        slug="thermodynamics-rms-speed-doubling-temperature-choice",
        topic="thermodynamics",
        difficulty="medium",
        title="Molecular speed at double the temperature",
        statement=md(r"""
            The absolute temperature of an ideal gas is doubled (say from $300\,\mathrm{K}$ to
            $600\,\mathrm{K}$). By what factor does the root-mean-square speed of its molecules
            change?
        """),
        answer_kind="choice",
        solution=md(r"""
            The mean kinetic energy per molecule is proportional to temperature:
            $$\frac{1}{2} m \overline{v^2} = \frac{3}{2} k_B T \quad\Rightarrow\quad
            v_{\mathrm{rms}} = \sqrt{\frac{3 k_B T}{m}} \propto \sqrt{T}$$
            Doubling $T$ multiplies $v_{\mathrm{rms}}$ by $\sqrt{2} \approx 1.41$. It is the
            **energy** that doubles.

            **Answer:** by $\sqrt{2}$.
        """),
        concept="kinetic theory of gases",
        options=(
            OptionSpec("a", "2"),
            OptionSpec("b", r"$\sqrt{2}$"),
            OptionSpec("c", "4"),
            OptionSpec("d", "It does not change"),
        ),
        correct_option="b",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="thermodynamics-adiabatic-compression-work",
        topic="thermodynamics",
        difficulty="hard",
        title="Work compressing air in a diesel engine",
        statement=md(r"""
            In a diesel engine, $n = 0.020\,\mathrm{mol}$ of air at $T_1 = 300\,\mathrm{K}$ is
            compressed quickly (adiabatically) to $1/18$ of its volume. Treat air as an ideal
            diatomic gas with $\gamma = 1.40$ and $C_V = \frac{5}{2} R$,
            $R = 8.314\,\mathrm{J/(mol\,K)}$. How much work is done on the gas (in J)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            For a reversible adiabatic process $T V^{\gamma - 1}$ is constant:
            $$T_2 = T_1 \left(\frac{V_1}{V_2}\right)^{\gamma - 1} = 300 \cdot 18^{0.40} = 300 \cdot
            3.18 = 953\,\mathrm{K}$$
            No heat is exchanged, so by the first law the work done on the gas equals the rise in
            internal energy:
            $$W = \Delta U = n C_V (T_2 - T_1) = 0.020 \cdot \frac{5}{2} \cdot 8.314 \cdot 653 =
            272\,\mathrm{J}$$
            The air ends up hot enough to ignite the injected fuel.

            **Answer:** $W \approx 272\,\mathrm{J}$.
        """),
        concept="adiabatic process and the first law",
        params={"n": 0.020, "T1": 300.0, "ratio": 18.0, "gamma": 1.40, "R": 8.314},
        answer=271.6,
        unit="J",
    ),
    QuestionSpec(
        slug="thermodynamics-refrigerator-electrical-power",
        topic="thermodynamics",
        difficulty="hard",
        title="Power needed by a refrigerator",
        statement=md(r"""
            A refrigerator keeps its inside at $T_c = 270\,\mathrm{K}$ in a kitchen at
            $T_h = 300\,\mathrm{K}$. Its coefficient of performance is $40\,\%$ of the ideal
            (Carnot) value. What electrical power does it need to remove heat from the inside at
            $P_c = 150\,\mathrm{W}$ (in W)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Ideal (Carnot) coefficient of performance of a refrigerator:
            $$\mathrm{COP}_C = \frac{T_c}{T_h - T_c} = \frac{270}{30} = 9.0$$
            The real one: $\mathrm{COP} = 0.40 \cdot 9.0 = 3.6$.
            By definition $\mathrm{COP} = P_c / P_{\mathrm{el}}$, so
            $$P_{\mathrm{el}} = \frac{P_c}{\mathrm{COP}} = \frac{150}{3.6} = 41.7\,\mathrm{W}$$
            The kitchen receives $P_c + P_{\mathrm{el}} = 192\,\mathrm{W}$.

            **Answer:** $P_{\mathrm{el}} \approx 41.7\,\mathrm{W}$.
        """),
        concept="refrigerator coefficient of performance",
        params={"Tc": 270.0, "Th": 300.0, "fraction": 0.40, "Pc": 150.0},
        answer=41.67,
        unit="W",
    ),
    QuestionSpec(
        slug="thermodynamics-mayer-relation-derivation",
        topic="thermodynamics",
        difficulty="hard",
        title="Why C_p exceeds C_V",
        statement=md(r"""
            Using the first law of thermodynamics $\Delta U = Q - W$ and the ideal gas law, show
            that the molar heat capacities of an ideal gas satisfy $C_p - C_V = R$. Explain
            physically why $C_p > C_V$.
        """),
        answer_kind="self",
        solution=md(r"""
            For an ideal gas the internal energy depends only on temperature, so for any process
            $\Delta U = n C_V \Delta T$ (this is what heating at constant volume measures, where
            $W = 0$).

            At constant pressure the gas expands and does work
            $$W = p \Delta V = n R \Delta T$$
            (from $pV = nRT$ at constant $p$). The first law gives
            $$Q_p = \Delta U + W = n C_V \Delta T + n R \Delta T$$
            and with $Q_p = n C_p \Delta T$:
            $$C_p = C_V + R$$
            Physically: at constant pressure part of the heat goes into the work of expansion
            instead of raising the temperature, so more heat is needed per kelvin.

            **Result:** $C_p - C_V = R$; the extra heat at constant pressure pays for the
            expansion work.
        """),
        concept="first law, heat capacities of an ideal gas",
    ),
    QuestionSpec(
        slug="thermodynamics-entropy-of-heating-water-with-reservoir",
        topic="thermodynamics",
        difficulty="hard",
        title="Entropy produced heating water",
        statement=md(r"""
            $m = 1.0\,\mathrm{kg}$ of water ($c = 4186\,\mathrm{J/(kg\,K)}$) at
            $T_1 = 293.15\,\mathrm{K}$ is placed in contact with a large reservoir at
            $T_2 = 353.15\,\mathrm{K}$ until it reaches the reservoir's temperature. What is the
            total entropy change of water plus reservoir (in J/K)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            **Water:** its temperature changes, so integrate
            $dS = \frac{dQ}{T} = \frac{m c\,dT}{T}$:
            $$\Delta S_w = m c \ln\frac{T_2}{T_1} = 4186 \cdot \ln\frac{353.15}{293.15} = 4186 \cdot
            0.1862 = 779.5\,\mathrm{J/K}$$
            **Reservoir:** it gives up $Q = m c (T_2 - T_1) = 251.2\,\mathrm{kJ}$ at constant
            temperature:
            $$\Delta S_r = -\frac{Q}{T_2} = -\frac{251\,160}{353.15} = -711.2\,\mathrm{J/K}$$
            Total:
            $$\Delta S = 779.5 - 711.2 = 68.3\,\mathrm{J/K} > 0$$
            positive, as the second law requires for heat flowing across a finite temperature
            difference.

            **Answer:** $\Delta S \approx 68.3\,\mathrm{J/K}$.
        """),
        concept="entropy change and the second law",
        params={"m": 1.0, "c": 4186.0, "T1": 293.15, "T2": 353.15},
        answer=68.27,
        unit="J/K",
    ),
    QuestionSpec(
        slug="thermodynamics-tyre-gauge-pressure-after-driving",
        topic="thermodynamics",
        difficulty="hard",
        title="Tyre pressure after a drive",
        statement=md(r"""
            A tyre is pumped to a gauge pressure of $p_g = 220\,\mathrm{kPa}$ at
            $T_1 = 283.15\,\mathrm{K}$. After a drive the air inside is at
            $T_2 = 313.15\,\mathrm{K}$. Atmospheric pressure is $p_a = 101.3\,\mathrm{kPa}$.
            Assuming
            the tyre's volume does not change, what does the gauge read now (in kPa)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The gas law needs the **absolute** pressure, $p = p_g + p_a$:
            $$p_1 = 220 + 101.3 = 321.3\,\mathrm{kPa}$$
            At constant volume $p/T$ is constant:
            $$p_2 = p_1 \frac{T_2}{T_1} = 321.3 \cdot \frac{313.15}{283.15} = 355.3\,\mathrm{kPa}$$
            Back to gauge pressure:
            $$p_{g,2} = 355.3 - 101.3 = 254\,\mathrm{kPa}$$
            (Scaling the gauge pressure directly would give $243\,\mathrm{kPa}$, which is wrong.)

            **Answer:** $p_{g,2} \approx 254\,\mathrm{kPa}$.
        """),
        concept="gas law at constant volume, gauge and absolute pressure",
        params={"pg": 220e3, "T1": 283.15, "T2": 313.15, "pa": 101.3e3},
        answer=254.0,
        unit="kPa",
        tolerance=0.01,
    ),
)
