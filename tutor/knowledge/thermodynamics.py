"""Thermodynamics entries."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="temperature-thermal-equilibrium",
        title="Temperature and thermal equilibrium",
        topic="thermodynamics",
        keywords=(
            "temperature",
            "thermal equilibrium",
            "zeroth law",
            "kelvin scale",
            "absolute zero",
            "heat vs temperature",
        ),
        explanation=r"""
            **Temperature** measures how hot something is; microscopically, it is proportional
            to the average kinetic energy of the random motion of its particles. Two objects in
            contact exchange energy as **heat** until they reach the same temperature, a state
            called **thermal equilibrium**. The **zeroth law of thermodynamics** says that if A
            and B are each in equilibrium with C, they are in equilibrium with each other, which
            is why a thermometer works. Heat and temperature are different things: heat is energy
            in transit because of a temperature difference; temperature is a property of a
            state. The SI scale is the kelvin, starting at **absolute zero**, where thermal
            motion is at its minimum:

            $$T(\mathrm{K}) = \theta(^\circ\mathrm{C}) + 273.15.$$

            A change of $1\,\mathrm{K}$ equals a change of $1^\circ\mathrm{C}$.
        """,
        example=r"""
            A bath at $40^\circ\mathrm{C}$ and a cup of tea at $80^\circ\mathrm{C}$: which holds
            more heat? The question is ill-posed, because heat is energy transferred, not stored.
            The bath holds far more **thermal energy**, since it has about a thousand times the
            mass, yet pour the tea into the bath and energy flows from tea to bath, because the
            tea is hotter. In kelvin the tea is at $353\,\mathrm{K}$ and the bath at
            $313\,\mathrm{K}$. Air molecules at room temperature, $293\,\mathrm{K}$, move at about
            $500\,\mathrm{m/s}$ on average; cooling them to $73\,\mathrm{K}$ halves that speed,
            since speed goes as $\sqrt{T}$.
        """,
        simpler=r"""
            Temperature tells you how fast the tiny particles in something are jiggling. Hot soup
            has fast-jiggling particles; cold ice cream has slow ones. Put a hot thing and a cold
            thing together, and energy flows from hot to cold until they're the same temperature.
            A thermometer works by reaching the same temperature as whatever it's touching.
        """,
        alternative=r"""
            Temperature scales began as practical choices. Fahrenheit in 1724 used a brine
            mixture and body temperature as fixed points; Celsius in 1742 used freezing and
            boiling water, originally with $100$ for freezing. Lord Kelvin's insight in 1848 was
            that temperature could be defined without any particular substance, through the
            efficiency of ideal heat engines, giving an absolute scale with a true zero. Gas
            thermometers agree: extrapolate the pressure of any dilute gas cooled at constant
            volume and it reaches zero at $-273.15^\circ\mathrm{C}$. Since 2019 the kelvin has
            been defined by fixing the Boltzmann constant,
            $k_B = 1.380649\times10^{-23}\,\mathrm{J/K}$, tying temperature directly to energy.
        """,
    ),
    ConceptSpec(
        slug="ideal-gas-law",
        title="Ideal gas law",
        topic="thermodynamics",
        keywords=(
            "ideal gas law",
            "pv = nrt",
            "gas laws",
            "boyle's law",
            "charles's law",
            "pressure volume temperature",
        ),
        explanation=r"""
            An **ideal gas** is a model in which molecules are points that collide elastically
            and do not attract each other; real gases behave this way at low pressure and high
            temperature. Its pressure $p$, volume $V$ and absolute temperature $T$ obey

            $$pV = nRT = Nk_BT,$$

            where $n$ is the amount in moles, $R = 8.31\,\mathrm{J\,mol^{-1}\,K^{-1}}$, $N$ the
            number of molecules and $k_B = R/N_A$ the Boltzmann constant. The older gas laws are
            special cases: at constant temperature $pV$ is constant (Boyle's law); at constant
            pressure $V \propto T$ (Charles's law); at constant volume $p \propto T$.
            Temperatures must be in kelvin. For a fixed amount of gas,
            $p_1V_1/T_1 = p_2V_2/T_2$.
        """,
        example=r"""
            Two moles of gas at $300\,\mathrm{K}$ fill $0.050\,\mathrm{m^3}$. The pressure is

            $$p = \frac{nRT}{V} = \frac{2.0 \times 8.31 \times 300}{0.050}
            \approx 1.0\times10^{5}\,\mathrm{Pa},$$

            about atmospheric pressure. A car tyre is inflated to $2.2\times10^5\,\mathrm{Pa}$
            above atmospheric on a $5^\circ\mathrm{C}$ morning, so its absolute pressure is
            $3.2\times10^5\,\mathrm{Pa}$. On the motorway it warms to $35^\circ\mathrm{C}$. At
            nearly constant volume, absolute pressure scales with kelvin temperature:
            $3.2\times10^5 \times 308/278 \approx 3.5\times10^5\,\mathrm{Pa}$, a rise of about
            $0.35$ bar.
        """,
        simpler=r"""
            A gas is made of tiny particles zooming around and bouncing off the walls of their
            container. Squeeze the gas into a smaller space and the particles hit the walls more
            often: higher pressure. Heat the gas and they move faster and hit harder: higher
            pressure again. That's why a balloon left in a hot car can pop, and one taken out
            into the cold shrinks.
        """,
        alternative=r"""
            The law was pieced together over 170 years. Robert Boyle, in 1662, trapped air in a
            J-shaped glass tube with mercury and found that doubling the pressure halved the
            volume. Jacques Charles, a balloonist, noticed in the 1780s that gases expand equally
            as they warm; Gay-Lussac published careful measurements in 1802. Émile Clapeyron
            combined the pieces in 1834. Plotted as pressure against volume, each fixed
            temperature traces a hyperbola called an isotherm, and hotter isotherms lie further
            from the origin. Engineers still design engines by drawing cycles on exactly these
            diagrams.
        """,
    ),
    ConceptSpec(
        slug="kinetic-theory-gases",
        title="Kinetic theory of gases",
        topic="thermodynamics",
        keywords=(
            "kinetic theory of gases",
            "molecular speed",
            "rms speed",
            "gas pressure from collisions",
            "average kinetic energy of molecules",
            "brownian motion",
        ),
        explanation=r"""
            The **kinetic theory of gases** explains pressure and temperature from molecular
            motion. Molecules fly about at random and bounce off the container walls; each
            bounce transfers momentum, and the steady rain of impacts is the gas's **pressure**.
            Working this out for $N$ molecules of mass $m$ in volume $V$ gives

            $$pV = \frac{1}{3}Nm\overline{c^2},$$

            where $\overline{c^2}$ is the mean square speed. Comparing with $pV = Nk_BT$ shows
            that temperature measures the average kinetic energy of a molecule:

            $$\frac{1}{2}m\overline{c^2} = \frac{3}{2}k_BT.$$

            So $c_{\text{rms}} = \sqrt{3k_BT/m}$: lighter molecules move faster at the same
            temperature. Individual speeds follow the Maxwell–Boltzmann distribution, with a few
            molecules much faster than average.
        """,
        example=r"""
            Nitrogen molecules ($m = 4.65\times10^{-26}\,\mathrm{kg}$) at $300\,\mathrm{K}$ have

            $$c_{\text{rms}} = \sqrt{\frac{3(1.38\times10^{-23})(300)}{4.65\times10^{-26}}}
            \approx 517\,\mathrm{m/s},$$

            faster than sound. Hydrogen molecules, fourteen times lighter, move about $3.7$ times
            faster, roughly $1.9\,\mathrm{km/s}$. High in Earth's atmosphere, the fastest
            hydrogen molecules exceed escape speed and leak into space, one reason Earth's air
            holds almost no free hydrogen while the heavier nitrogen stays. Individual speeds
            vary widely: at any moment some nitrogen molecules are nearly at rest and a few move
            at three times the average.
        """,
        simpler=r"""
            Air isn't still: it's made of trillions of tiny molecules zooming about at hundreds
            of metres per second, crashing into everything. Each crash is a tiny push. Billions
            of tiny pushes every second add up to a steady force, and that's air pressure. Heat
            the air and the molecules speed up, so they push harder. Temperature is really just
            how fast they're moving.
        """,
        alternative=r"""
            In 1827 the botanist Robert Brown saw tiny particles from pollen grains jiggling
            restlessly in water under his microscope, and nobody could explain why. In 1905
            Einstein showed the jiggling was the visible result of invisible molecules randomly
            kicking the particles, and predicted how far they should wander over time. Jean
            Perrin measured that wandering in 1908, extracting Avogadro's number and convincing
            the last sceptics that atoms are real. Brownian motion is kinetic theory you can
            see: a random walk whose typical distance grows as the square root of time, exactly
            as the statistics of molecular kicks demand.
        """,
    ),
    ConceptSpec(
        slug="first-law-thermodynamics",
        title="First law of thermodynamics",
        topic="thermodynamics",
        keywords=(
            "first law of thermodynamics",
            "internal energy",
            "heat and work",
            "delta U = Q - W",
            "adiabatic process",
            "isothermal process",
        ),
        explanation=r"""
            The **first law of thermodynamics** is conservation of energy for systems that
            exchange heat and work. The change in a system's internal energy equals the heat
            added to it minus the work it does on its surroundings:

            $$\Delta U = Q - W.$$

            Some courses write $\Delta U = Q + W$, with $W$ the work done **on** the system, so
            check the convention. Internal energy $U$ is the total kinetic and potential energy
            of the particles; for an ideal gas it depends only on temperature. When a gas
            expands at constant pressure, the work it does is $W = p\Delta V$. Special cases: at
            constant volume $W = 0$, so all the heat raises $U$; in an **isothermal** ideal-gas
            process $\Delta U = 0$, so $Q = W$; in an **adiabatic** process $Q = 0$, so an
            expanding gas cools.
        """,
        example=r"""
            A gas in a cylinder absorbs $500\,\mathrm{J}$ of heat and expands against a constant
            pressure of $1.0\times10^5\,\mathrm{Pa}$, increasing its volume by
            $2.0\times10^{-3}\,\mathrm{m^3}$. The work it does is

            $$W = p\Delta V = (1.0\times10^5)(2.0\times10^{-3}) = 200\,\mathrm{J},$$

            so its internal energy rises by $\Delta U = 500 - 200 = 300\,\mathrm{J}$ and it gets
            warmer. Spray an aerosol can for a while and the can turns cold: the escaping gas
            expands and does work pushing the air aside, too quickly to take in much heat, so
            $Q \approx 0$ and $\Delta U < 0$.
        """,
        simpler=r"""
            Think of a system's energy as a bank balance. Heating it is a deposit; when it does
            work, like a gas pushing a piston, that's a withdrawal. The balance, called internal
            energy, goes up or down accordingly. Energy never appears from nowhere: to get work
            out of an engine, you have to put heat in.
        """,
        alternative=r"""
            Before the 1840s, heat was widely thought to be a fluid, "caloric", that flowed from
            hot to cold and could be neither made nor destroyed. Count Rumford's observations in
            1798 undermined that: boring cannon barrels in Munich produced seemingly endless heat
            from friction alone, enough to boil water. Joule's paddle-wheel experiments then
            fixed the exchange rate, about $4.2\,\mathrm{J}$ per calorie. The first law is the
            result: heat and work are two ways of moving energy across a boundary, and the system
            cannot tell which way it arrived. On a pressure–volume diagram, the work done is the
            area under the process path.
        """,
    ),
    ConceptSpec(
        slug="specific-heat-latent-heat",
        title="Specific heat capacity and latent heat",
        topic="thermodynamics",
        keywords=(
            "specific heat capacity",
            "latent heat",
            "Q = mc delta T",
            "heating water",
            "melting and boiling",
            "heat capacity",
        ),
        explanation=r"""
            **Specific heat capacity** $c$ is the energy needed to raise the temperature of
            $1\,\mathrm{kg}$ of a substance by $1\,\mathrm{K}$. Heating a mass $m$ through a
            temperature change $\Delta T$ takes

            $$Q = mc\Delta T.$$

            Water's value is unusually large, $c = 4180\,\mathrm{J\,kg^{-1}\,K^{-1}}$, compared
            with about $900$ for aluminium and $450$ for iron, so water heats and cools slowly.
            During a change of state, energy is absorbed or released with no change in
            temperature: it goes into breaking or forming bonds between molecules, not into
            faster motion. This is **latent heat**:

            $$Q = mL.$$

            For water, the latent heat of fusion is $3.34\times10^5\,\mathrm{J/kg}$ and of
            vaporisation $2.26\times10^6\,\mathrm{J/kg}$, which is why steam burns are so
            severe.
        """,
        example=r"""
            Heating $2.0\,\mathrm{kg}$ of water from $20^\circ\mathrm{C}$ to $80^\circ\mathrm{C}$
            takes

            $$Q = mc\Delta T = 2.0 \times 4180 \times 60 \approx 5.0\times10^5\,\mathrm{J}.$$

            A $2.0\,\mathrm{kW}$ kettle supplies that in about $250\,\mathrm{s}$, just over four
            minutes, ignoring losses. Boiling all of it away would need another
            $2.0 \times 2.26\times10^6 = 4.5\times10^6\,\mathrm{J}$, nine times more, which is
            why a pan takes so long to boil dry. Melting a $50\,\mathrm{g}$ ice cube absorbs
            $0.050 \times 3.34\times10^5 \approx 17\,\mathrm{kJ}$ with no rise in temperature.
        """,
        simpler=r"""
            Some things warm up quickly and some slowly. A metal spoon heats up fast, but a pan
            of water takes ages, because water needs lots of energy to get hotter. And when ice
            melts or water boils, you keep adding heat but the temperature doesn't change: the
            energy goes into pulling the particles apart instead. That hidden energy is called
            latent heat.
        """,
        alternative=r"""
            Joseph Black, a Scottish chemist, discovered latent heat around 1761 by watching ice
            melt. A flask of ice in a warm room stayed at $0^\circ\mathrm{C}$ for hours while it
            melted, though heat was clearly flowing in. "Latent" means hidden: the heat vanished
            from the thermometer's view. The idea has global consequences. Oceans store vast
            amounts of energy because of water's large heat capacity, keeping coastal climates
            mild. Evaporation from the sea carries latent heat into the air, released again when
            the vapour condenses into clouds, and that release powers thunderstorms and
            hurricanes. Sweating cools you the same way.
        """,
    ),
    ConceptSpec(
        slug="entropy-second-law",
        title="Entropy and the second law",
        topic="thermodynamics",
        keywords=(
            "entropy",
            "second law of thermodynamics",
            "disorder",
            "irreversibility",
            "heat flows from hot to cold",
            "arrow of time",
        ),
        explanation=r"""
            The **second law of thermodynamics**: the total **entropy** of an isolated system
            never decreases. Heat flows spontaneously from hot to cold, never the reverse, and no
            process can turn heat entirely into work. Entropy measures how many microscopic
            arrangements are consistent with what we observe. Boltzmann's formula makes this
            precise:

            $$S = k_B \ln \Omega,$$

            where $\Omega$ is the number of microstates. When heat $Q$ enters a system reversibly
            at temperature $T$, its entropy changes by

            $$\Delta S = \frac{Q}{T}.$$

            Spontaneous processes such as mixing, friction and heat flowing across a temperature
            gap increase total entropy, because high-entropy states vastly outnumber low-entropy
            ones. Entropy can fall locally, as in a fridge or a growing plant, but only by rising
            more elsewhere. The second law gives time its direction.
        """,
        example=r"""
            $1.0\,\mathrm{kJ}$ of heat leaks from a hot cup at $350\,\mathrm{K}$ into a room at
            $300\,\mathrm{K}$. The cup's entropy falls by $1000/350 = 2.86\,\mathrm{J/K}$; the
            room's rises by $1000/300 = 3.33\,\mathrm{J/K}$. The total change is

            $$\Delta S = 3.33 - 2.86 = +0.47\,\mathrm{J/K} > 0,$$

            so the process goes this way on its own. The reverse, heat flowing from the room
            into the cup, would lower the total entropy and never happens spontaneously. A fridge
            can move heat that way only by using electrical work and dumping even more heat, and
            entropy, into the kitchen.
        """,
        simpler=r"""
            Things naturally get messier, not tidier. A tidy room becomes untidy on its own but
            never tidies itself. Hot tea cools to room temperature; it never heats itself up by
            taking warmth from the air. Entropy measures this kind of messiness, how spread out
            energy is, and in the universe as a whole it only ever goes up.
        """,
        alternative=r"""
            Shuffle a new deck of cards and you will never shuffle it back into order. Not
            because that is forbidden, but because there is one ordered arrangement and about
            $8\times10^{67}$ jumbled ones. That counting argument is entropy. For the molecules in
            a glass of water the numbers are so much larger that "unlikely" becomes "never in the
            lifetime of the universe". Historically the law came first from engines, through Sadi
            Carnot in 1824 and Rudolf Clausius, who coined the word "entropy" in 1865. Ludwig
            Boltzmann then tied it to counting; his formula is carved on his tombstone in Vienna.
        """,
    ),
    ConceptSpec(
        slug="heat-engines",
        title="Heat engines and efficiency",
        topic="thermodynamics",
        keywords=(
            "heat engine",
            "carnot efficiency",
            "thermal efficiency",
            "heat pump",
            "refrigerator",
            "engine efficiency",
        ),
        explanation=r"""
            A **heat engine** takes heat $Q_h$ from a hot reservoir, converts part of it to work
            $W$ and rejects the rest, $Q_c$, to a cold reservoir. By the first law
            $W = Q_h - Q_c$, and the efficiency is

            $$\eta = \frac{W}{Q_h} = 1 - \frac{Q_c}{Q_h}.$$

            The second law forbids $Q_c = 0$: some heat must always be dumped. The best possible
            efficiency, reached only by an ideal reversible **Carnot engine**, depends only on
            the reservoir temperatures in kelvin:

            $$\eta_{\max} = 1 - \frac{T_c}{T_h}.$$

            Real engines fall below this because of friction and irreversible heat flow. A
            refrigerator or heat pump is an engine run backward: work moves heat from cold to
            hot. Car engines, power stations and jet turbines are all heat engines.
        """,
        example=r"""
            Steam enters a power station's turbine at $800\,\mathrm{K}$ and condenses at
            $300\,\mathrm{K}$. The Carnot limit is

            $$\eta_{\max} = 1 - \frac{300}{800} = 0.625,$$

            so at most 62.5 % of the heat becomes work; real plants achieve about 40 %. An engine
            working between $600\,\mathrm{K}$ and $300\,\mathrm{K}$ could reach at most 50 %. The
            only ways to do better are a hotter source or a colder sink, which is why turbine
            blades are made of special alloys that survive extreme temperatures. A car engine,
            around 30 % efficient, loses most of its fuel energy as heat through the radiator and
            exhaust.
        """,
        simpler=r"""
            A car engine burns fuel to make heat, and turns some of that heat into motion. But it
            can never turn all of it into motion: some heat always escapes through the exhaust
            and radiator. That's a law of nature, not bad engineering. The bigger the difference
            between the hot and cold parts of an engine, the more useful work you can squeeze
            out.
        """,
        alternative=r"""
            Think of heat falling through a temperature drop the way water falls through a
            height. A waterwheel extracts work from water dropping from a high channel to a low
            one; it can extract nothing from water already at the bottom. Sadi Carnot used this
            very analogy in 1824, asking how much work a steam engine could possibly deliver,
            before energy conservation was even understood. His answer, that only the
            temperatures matter, still holds. The analogy also shows why a heat pump is so
            attractive: like lifting water a short way, it moves three or four joules of heat
            into a house for each joule of electricity it uses.
        """,
    ),
)
