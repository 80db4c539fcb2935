"""Modern Physics: photons, matter waves, atoms, radioactivity and special relativity."""

from math import pi

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

YEAR = 3.156e7  # s; the statements give the same value where it matters
LIGHT_YEAR = 9.461e15  # m

TOPIC = TopicSpec(
    slug="modern-physics",
    name="Modern Physics",
    description=(
        "Photons and the photoelectric effect, de Broglie waves, atomic energy levels, Compton "
        "scattering, radioactive decay and the basics of special relativity."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="modern-physics-green-photon-energy",
        topic="modern-physics",
        difficulty="easy",
        title="Energy of a green photon",
        statement=md(r"""
            What is the energy of one photon of green laser light with $\lambda = 532\,\mathrm{nm}$
            (in eV)? Use $h = 6.626 \times 10^{-34}\,\mathrm{J\,s}$,
            $c = 3.00 \times 10^8\,\mathrm{m/s}$ and
            $1\,\mathrm{eV} = 1.602 \times 10^{-19}\,\mathrm{J}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$E = \frac{h c}{\lambda} = \frac{6.626 \times 10^{-34} \cdot 3.00 \times 10^8}{532
            \times 10^{-9}} = 3.74 \times 10^{-19}\,\mathrm{J}$$
            In electronvolts:
            $$E = \frac{3.74 \times 10^{-19}}{1.602 \times 10^{-19}} = 2.33\,\mathrm{eV}$$

            **Answer:** $E \approx 2.33\,\mathrm{eV}$.
        """),
        concept="photon energy",
        params={"lam": 532e-9, "h": 6.626e-34, "c": 3.00e8, "eV": 1.602e-19},
        answer=2.332,
        unit="eV",
    ),
    QuestionSpec(
        slug="modern-physics-carbon-remaining-after-three-half-lives",
        topic="modern-physics",
        difficulty="easy",
        title="Carbon-14 left after 17 190 years",
        statement=md(r"""
            Carbon-14 has a half-life of $T_{1/2} = 5730$ years. What percentage of the original
            carbon-14 in a sample remains after $t = 17\,190$ years?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The elapsed time is $17\,190 / 5730 = 3$ half-lives, and each halves the amount:
            $$\frac{N}{N_0} = \left(\frac{1}{2}\right)^{t/T_{1/2}} = \left(\frac{1}{2}\right)^3 =
            0.125 = 12.5\,\%$$

            **Answer:** $12.5\,\%$.
        """),
        concept="half-life",
        params={"T_half": 5730 * YEAR, "t": 17190 * YEAR},
        answer=12.5,
        unit="%",
    ),
    QuestionSpec(
        slug="modern-physics-rest-energy-of-one-gram",
        topic="modern-physics",
        difficulty="easy",
        title="Rest energy of one gram",
        statement=md(r"""
            What is the rest energy $E = mc^2$ of $m = 1.0\,\mathrm{g}$ of matter (in TJ)? Use
            $c = 3.00 \times 10^8\,\mathrm{m/s}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            With the mass in kilograms:
            $$E = m c^2 = 1.0 \times 10^{-3} \cdot (3.00 \times 10^8)^2 = 9.0 \times
            10^{13}\,\mathrm{J} = 90\,\mathrm{TJ}$$
            That is roughly the energy of a 20-kiloton nuclear explosion.

            **Answer:** $E = 90\,\mathrm{TJ}$.
        """),
        concept="mass–energy equivalence",
        params={"m": 1.0e-3, "c": 3.00e8},
        answer=90.0,
        unit="TJ",
    ),
    QuestionSpec(
        slug="modern-physics-de-broglie-wavelength-of-baseball",
        topic="modern-physics",
        difficulty="easy",
        title="Wavelength of a baseball",
        statement=md(r"""
            What is the de Broglie wavelength of a baseball of mass $m = 0.145\,\mathrm{kg}$ moving
            at $v = 40\,\mathrm{m/s}$ (in m)? Use $h = 6.626 \times 10^{-34}\,\mathrm{J\,s}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$\lambda = \frac{h}{p} = \frac{h}{m v} = \frac{6.626 \times 10^{-34}}{0.145 \cdot 40} =
            1.14 \times 10^{-34}\,\mathrm{m}$$
            Far smaller than a nucleus ($10^{-15}\,\mathrm{m}$): no wave behaviour of a baseball
            can ever be observed.

            **Answer:** $\lambda \approx 1.14 \times 10^{-34}\,\mathrm{m}$.
        """),
        concept="de Broglie wavelength",
        params={"m": 0.145, "v": 40.0, "h": 6.626e-34},
        answer=1.142e-34,
        unit="m",
    ),
    QuestionSpec(
        slug="modern-physics-photoelectric-brighter-light-choice",
        topic="modern-physics",
        difficulty="easy",
        title="Brighter light on a photocell",
        statement=md(r"""
            Light of a fixed frequency $f$, above the threshold frequency, falls on a metal and
            ejects electrons. The intensity of the light is doubled. What happens?
        """),
        answer_kind="choice",
        solution=md(r"""
            Each electron absorbs a single photon, so its maximum kinetic energy
            $E_{k,\max} = hf - \phi$ depends only on the frequency. Doubling the intensity doubles
            the number of photons per second, hence the number of electrons: the current doubles.
            (Classical wave theory wrongly predicted faster electrons.)

            **Answer:** twice as many electrons, with the same maximum kinetic energy.
        """),
        concept="photoelectric effect, photon model of light",
        options=(
            OptionSpec("a", "The electrons' maximum kinetic energy doubles"),
            OptionSpec("b", "Twice as many electrons, with the same maximum kinetic energy"),
            OptionSpec("c", "Fewer electrons, but each one faster"),
            OptionSpec("d", "Nothing changes, since the frequency is the same"),
        ),
        correct_option="b",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="modern-physics-photoelectric-stopping-voltage",
        topic="modern-physics",
        difficulty="medium",
        title="Stopping voltage of a photocell",
        statement=md(r"""
            Violet light with $\lambda = 400\,\mathrm{nm}$ falls on a metal with work function
            $\phi = 2.30\,\mathrm{eV}$. What stopping voltage brings the photocurrent to zero
            (in V)? Use $h = 6.626 \times 10^{-34}\,\mathrm{J\,s}$,
            $c = 3.00 \times 10^8\,\mathrm{m/s}$
            and $e = 1.602 \times 10^{-19}\,\mathrm{C}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Photon energy in eV:
            $$E = \frac{h c}{\lambda e} = \frac{6.626 \times 10^{-34} \cdot 3.00 \times 10^8}{400
            \times 10^{-9} \cdot 1.602 \times 10^{-19}} = 3.10\,\mathrm{eV}$$
            Einstein's photoelectric equation:
            $$E_{k,\max} = E - \phi = 3.10 - 2.30 = 0.80\,\mathrm{eV}$$
            The stopping voltage must remove this energy, $e V_s = E_{k,\max}$:
            $$V_s = 0.80\,\mathrm{V}$$

            **Answer:** $V_s \approx 0.80\,\mathrm{V}$.
        """),
        concept="photoelectric equation",
        params={
            "lam": 400e-9,
            "phi": 2.30 * 1.602e-19,
            "h": 6.626e-34,
            "c": 3.00e8,
            "e": 1.602e-19,
        },
        answer=0.802,
        unit="V",
    ),
    QuestionSpec(
        slug="modern-physics-de-broglie-wavelength-of-electron",
        topic="modern-physics",
        difficulty="medium",
        title="Wavelength of an accelerated electron",
        statement=md(r"""
            An electron is accelerated from rest through $U = 100\,\mathrm{V}$. What is its de
            Broglie wavelength (in nm)? Use $h = 6.626 \times 10^{-34}\,\mathrm{J\,s}$,
            $m_e = 9.109 \times 10^{-31}\,\mathrm{kg}$ and $e = 1.602 \times 10^{-19}\,\mathrm{C}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Kinetic energy gained: $E_k = eU$. The momentum follows from $E_k = p^2/(2m_e)$:
            $$p = \sqrt{2 m_e e U} = \sqrt{2 \cdot 9.109 \times 10^{-31} \cdot 1.602 \times 10^{-19}
            \cdot 100} = 5.40 \times 10^{-24}\,\mathrm{kg\,m/s}$$
            $$\lambda = \frac{h}{p} = \frac{6.626 \times 10^{-34}}{5.40 \times 10^{-24}} = 1.23
            \times 10^{-10}\,\mathrm{m}$$
            About the spacing of atoms in a crystal, which is why electrons diffract there.

            **Answer:** $\lambda \approx 0.123\,\mathrm{nm}$.
        """),
        concept="de Broglie wavelength of electrons",
        params={"U": 100.0, "h": 6.626e-34, "me": 9.109e-31, "e": 1.602e-19},
        answer=0.1227,
        unit="nm",
    ),
    QuestionSpec(
        slug="modern-physics-muon-time-dilation",
        topic="modern-physics",
        difficulty="medium",
        title="Lifetime of a fast muon",
        statement=md(r"""
            A muon at rest lives on average $\tau_0 = 2.2\,\mu\mathrm{s}$. What is its mean lifetime
            measured in the laboratory when it moves at $v = 0.98\,c$ (in μs)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Lorentz factor:
            $$\gamma = \frac{1}{\sqrt{1 - v^2/c^2}} = \frac{1}{\sqrt{1 - 0.98^2}} = \frac{1}{0.199}
            = 5.03$$
            Moving clocks run slow, so the lab sees the lifetime stretched:
            $$\tau = \gamma \tau_0 = 5.03 \cdot 2.2 = 11.1\,\mu\mathrm{s}$$
            This is why muons made high in the atmosphere reach the ground.

            **Answer:** $\tau \approx 11.1\,\mu\mathrm{s}$.
        """),
        concept="time dilation",
        params={"tau0": 2.2e-6, "beta": 0.98},
        answer=11.06,
        unit="μs",
    ),
    QuestionSpec(
        slug="modern-physics-activity-of-iodine-sample",
        topic="modern-physics",
        difficulty="medium",
        title="Activity of a medical iodine sample",
        statement=md(r"""
            A sample contains $N = 1.0 \times 10^{20}$ atoms of iodine-131, whose half-life is
            $T_{1/2} = 8.02$ days. What is its activity (in TBq)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Decay constant, with the half-life in seconds
            ($8.02 \cdot 86\,400 = 6.93 \times 10^5\,\mathrm{s}$):
            $$\lambda = \frac{\ln 2}{T_{1/2}} = \frac{0.693}{6.93 \times 10^5} = 1.00 \times
            10^{-6}\,\mathrm{s^{-1}}$$
            Activity:
            $$A = \lambda N = 1.00 \times 10^{-6} \cdot 1.0 \times 10^{20} = 1.00 \times
            10^{14}\,\mathrm{Bq} = 100\,\mathrm{TBq}$$

            **Answer:** $A \approx 100\,\mathrm{TBq}$.
        """),
        concept="activity and decay constant",
        params={"N": 1.0e20, "T_half": 8.02 * 86400},
        answer=100.0,
        unit="TBq",
    ),
    QuestionSpec(
        slug="modern-physics-hydrogen-highest-energy-photon-choice",
        topic="modern-physics",
        difficulty="medium",
        title="The most energetic photon from hydrogen",
        statement=md(r"""
            The energy levels of hydrogen are $E_n = -\dfrac{13.6\,\mathrm{eV}}{n^2}$. Which
            transition **emits** the photon with the highest energy (shortest wavelength)?
        """),
        answer_kind="choice",
        solution=md(r"""
            The photon carries away the energy difference $E_{\mathrm{upper}} - E_{\mathrm{lower}}$:
            $$2 \to 1:\; 13.6\left(1 - \tfrac{1}{4}\right) = 10.2\,\mathrm{eV}, \quad 3 \to 2:\;
            1.89\,\mathrm{eV}, \quad 4 \to 3:\; 0.66\,\mathrm{eV}$$
            The levels crowd together at high $n$, so the biggest step is down to the ground state.
            $1 \to 2$ goes upward: it absorbs a photon rather than emitting one.

            **Answer:** $n = 2 \to n = 1$.
        """),
        concept="atomic energy levels and spectra",
        options=(
            OptionSpec("a", r"$n = 4 \to n = 3$"),
            OptionSpec("b", r"$n = 3 \to n = 2$"),
            OptionSpec("c", r"$n = 1 \to n = 2$"),
            OptionSpec("d", r"$n = 2 \to n = 1$"),
        ),
        correct_option="d",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="modern-physics-compton-recoil-electron-energy",
        topic="modern-physics",
        difficulty="hard",
        title="Compton scattering: energy of the recoil electron",
        statement=md(r"""
            X-rays of wavelength $\lambda = 71.0\,\mathrm{pm}$ are scattered by free electrons
            through $\theta = 90^\circ$. What kinetic energy does a recoiling electron receive
            (in eV)? Use $h = 6.626 \times 10^{-34}\,\mathrm{J\,s}$,
            $m_e = 9.109 \times 10^{-31}\,\mathrm{kg}$, $c = 3.00 \times 10^8\,\mathrm{m/s}$ and
            $1\,\mathrm{eV} = 1.602 \times 10^{-19}\,\mathrm{J}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            Compton shift:
            $$\Delta\lambda = \frac{h}{m_e c}(1 - \cos\theta) = \frac{6.626 \times 10^{-34}}{9.109
            \times 10^{-31} \cdot 3.00 \times 10^8} \cdot 1 = 2.425\,\mathrm{pm}$$
            so the scattered wavelength is $\lambda' = 73.42\,\mathrm{pm}$.

            Energy conservation: the electron gets the photon's energy loss,
            $$E_k = h c \left(\frac{1}{\lambda} - \frac{1}{\lambda'}\right) = 1.988 \times 10^{-25}
            \left(\frac{1}{71.0 \times 10^{-12}} - \frac{1}{73.42 \times 10^{-12}}\right) = 9.25
            \times 10^{-17}\,\mathrm{J}$$
            $$E_k = \frac{9.25 \times 10^{-17}}{1.602 \times 10^{-19}} = 577\,\mathrm{eV}$$
            (only about 3 % of the photon's $17.5\,\mathrm{keV}$).

            **Answer:** $E_k \approx 577\,\mathrm{eV}$.
        """),
        concept="Compton scattering",
        params={
            "lam": 71.0e-12,
            "theta": pi / 2,
            "h": 6.626e-34,
            "me": 9.109e-31,
            "c": 3.00e8,
            "eV": 1.602e-19,
        },
        answer=577.1,
        unit="eV",
    ),
    QuestionSpec(
        slug="modern-physics-trip-to-alpha-centauri-proper-time",
        topic="modern-physics",
        difficulty="hard",
        title="How long the trip to Alpha Centauri feels",
        statement=md(r"""
            Alpha Centauri is $L = 4.37$ light-years from Earth (one light-year is the distance
            light travels in one year). A spaceship travels there at a constant $v = 0.80\,c$.
            How much time passes for the crew during the trip (in years)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            In Earth's frame the trip takes
            $$t = \frac{L}{v} = \frac{4.37\,c \cdot \mathrm{yr}}{0.80\,c} = 5.46\,\mathrm{yr}$$
            Lorentz factor:
            $$\gamma = \frac{1}{\sqrt{1 - 0.80^2}} = \frac{1}{0.60} = 1.667$$
            The crew's clocks show the proper time:
            $$\tau = \frac{t}{\gamma} = 5.46 \cdot 0.60 = 3.28\,\mathrm{yr}$$
            (Equivalently, for the crew the distance is contracted to $4.37 \cdot 0.60 = 2.62$
            light-years, covered at $0.80\,c$.)

            **Answer:** $\tau \approx 3.28\,\mathrm{yr}$.
        """),
        concept="time dilation and length contraction",
        params={"L": 4.37 * LIGHT_YEAR, "beta": 0.80, "c": LIGHT_YEAR / YEAR},
        answer=3.278,
        unit="yr",
    ),
    QuestionSpec(
        slug="modern-physics-photoelectric-effect-explanation",
        topic="modern-physics",
        difficulty="hard",
        title="Why light must come in photons",
        statement=md(r"""
            In the photoelectric effect (i) no electrons are emitted below a threshold frequency
            $f_0$, however bright the light; (ii) the maximum kinetic energy of the electrons grows
            linearly with frequency and does not depend on intensity; (iii) emission starts without
            measurable delay. Explain each observation with Einstein's photon model, derive
            $E_{k,\max} = hf - \phi$, and say how $h$ and $\phi$ are obtained from a graph of
            stopping voltage against frequency.
        """),
        answer_kind="self",
        solution=md(r"""
            Light of frequency $f$ arrives in photons of energy $hf$, each absorbed whole by one
            electron. Leaving the metal costs at least the work function $\phi$, so energy
            conservation for the least-bound electrons gives
            $$E_{k,\max} = hf - \phi$$
            - (i) If $hf < \phi$ no single photon can free an electron, and more photons
              (brighter light) do not help: threshold $f_0 = \phi/h$.
            - (ii) $E_{k,\max}$ depends on $f$ linearly with slope $h$; intensity only changes
              the number of photons, hence the number of electrons.
            - (iii) One photon delivers its energy at once; no energy has to accumulate as a
              spread-out wave would require.

            With $e V_s = E_{k,\max}$:
            $$V_s = \frac{h}{e} f - \frac{\phi}{e}$$
            a straight line: its slope is $h/e$, its intercept with the frequency axis is $f_0$
            and with the voltage axis $-\phi/e$.

            **Result:** $E_{k,\max} = hf - \phi$; slope of $V_s(f)$ is $h/e$, intercept gives
            $\phi$.
        """),
        concept="photoelectric effect, photon model of light",
    ),
    QuestionSpec(
        slug="modern-physics-radiocarbon-dating-age",
        topic="modern-physics",
        difficulty="hard",
        title="Radiocarbon dating a wooden tool",
        statement=md(r"""
            The carbon-14 activity per gram of carbon in an ancient wooden tool is $30\,\%$ of that
            in living wood ($A/A_0 = 0.30$). Carbon-14 has a half-life of $T_{1/2} = 5730$ years.
            How old is the tool (in years)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Activity decays exponentially:
            $$\frac{A}{A_0} = e^{-\lambda t}, \qquad \lambda = \frac{\ln 2}{T_{1/2}}$$
            Solve for $t$ by taking logarithms:
            $$t = \frac{T_{1/2}}{\ln 2} \ln\frac{A_0}{A} = \frac{5730}{0.693} \cdot
            \ln\frac{1}{0.30} = 8267 \cdot 1.204 = 9.95 \times 10^3\,\mathrm{yr}$$
            Check: between 1 half-life (50 %) and 2 half-lives (25 %), nearer two. ✓

            **Answer:** $t \approx 9950\,\mathrm{yr}$.
        """),
        concept="exponential decay, radiometric dating",
        params={"ratio": 0.30, "T_half": 5730 * YEAR},
        answer=9953.0,
        unit="yr",
    ),
    QuestionSpec(
        slug="modern-physics-speed-of-one-mev-electron",
        topic="modern-physics",
        difficulty="hard",
        title="How fast is a 1 MeV electron?",
        statement=md(r"""
            An electron (rest energy $m_e c^2 = 0.511\,\mathrm{MeV}$) has a kinetic energy of
            $E_k = 1.00\,\mathrm{MeV}$. What is its speed (in m/s)? Use
            $c = 3.00 \times 10^8\,\mathrm{m/s}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            The kinetic energy is comparable to the rest energy, so use relativity. Total energy
            $E = \gamma m_e c^2 = m_e c^2 + E_k$:
            $$\gamma = 1 + \frac{E_k}{m_e c^2} = 1 + \frac{1.00}{0.511} = 2.957$$
            From $\gamma = 1/\sqrt{1 - \beta^2}$:
            $$\beta = \sqrt{1 - \frac{1}{\gamma^2}} = \sqrt{1 - 0.1144} = 0.941$$
            $$v = \beta c = 0.941 \cdot 3.00 \times 10^8 = 2.82 \times 10^8\,\mathrm{m/s}$$
            (The classical formula $v = \sqrt{2E_k/m_e}$ would give $5.9 \times 10^8\,\mathrm{m/s}$,
            faster than light.)

            **Answer:** $v \approx 2.82 \times 10^8\,\mathrm{m/s}$.
        """),
        concept="relativistic kinetic energy",
        params={"Ek": 1.00e6 * 1.602e-19, "me_c2": 0.511e6 * 1.602e-19, "c": 3.00e8},
        answer=2.823e8,
        unit="m/s",
    ),
)
