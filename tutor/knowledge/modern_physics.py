"""Modern physics entries: quanta of light, nuclei and relativity."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="photoelectric-effect",
        title="Photoelectric effect",
        topic="modern-physics",
        keywords=(
            "photoelectric effect",
            "work function",
            "threshold frequency",
            "stopping potential",
            "einstein photoelectric equation",
            "photoelectrons",
        ),
        explanation=r"""
            In the **photoelectric effect**, light shining on a metal surface ejects electrons,
            but only if its frequency is above a **threshold frequency** $f_0$ that depends on
            the metal. Below it, no electrons come out however bright the light; above it,
            electrons appear instantly, even in dim light. Brighter light ejects more electrons,
            but not faster ones. Wave theory cannot explain this. Einstein did in 1905: light
            comes in photons of energy $hf$, and each photon gives all its energy to one
            electron. The electron needs at least the **work function** $\phi$ to escape and
            keeps the rest as kinetic energy:

            $$E_{k,\max} = hf - \phi, \qquad f_0 = \frac{\phi}{h}.$$

            Measuring the stopping voltage $V_s$, where $eV_s = E_{k,\max}$, at several
            frequencies gives a straight line with slope $h/e$.
        """,
        example=r"""
            Sodium has a work function $\phi = 2.3\,\mathrm{eV}$. Light of wavelength
            $400\,\mathrm{nm}$ has photon energy

            $$E = \frac{hc}{\lambda} = \frac{(6.63\times10^{-34})(3.00\times10^8)}
            {400\times10^{-9}} \approx 4.97\times10^{-19}\,\mathrm{J} \approx 3.1\,\mathrm{eV}.$$

            The fastest photoelectrons therefore have
            $E_{k,\max} = 3.1 - 2.3 = 0.8\,\mathrm{eV}$, and a stopping voltage of
            $0.8\,\mathrm{V}$ halts them. The threshold wavelength is
            $hc/\phi \approx 540\,\mathrm{nm}$: yellow light at $580\,\mathrm{nm}$ just fails,
            and red light, however intense, ejects nothing.
        """,
        simpler=r"""
            Shine light on certain metals and electrons fly out. The strange part: red light
            never does it, however bright, but even a dim blue or ultraviolet light does. That's
            because light comes in tiny packets. Each packet can kick out one electron, and red
            packets are too weak to do it. A brighter red light just means more weak packets,
            not stronger ones.
        """,
        alternative=r"""
            Picture a coconut shy where each throw either knocks a coconut off or not. Throwing
            more balls per second knocks off more coconuts, but only if each ball is thrown hard
            enough; a million gentle lobs knock off none. Photons are the balls, frequency sets
            how hard each is thrown, and intensity sets how many arrive per second. Heinrich
            Hertz first noticed in 1887 that ultraviolet light helped sparks jump; Philipp Lenard
            found the puzzling frequency dependence in 1902. Robert Millikan set out to disprove
            Einstein's equation and instead confirmed it precisely in 1916. It was for this work,
            not relativity, that Einstein won his Nobel Prize.
        """,
    ),
    ConceptSpec(
        slug="photons",
        title="Photons and photon energy",
        topic="modern-physics",
        keywords=(
            "photon",
            "photon energy",
            "E = hf",
            "planck's constant",
            "quantum of light",
            "electron volt",
        ),
        explanation=r"""
            A **photon** is a quantum of electromagnetic radiation: the smallest amount of light
            of a given frequency that can be emitted or absorbed. Each photon carries energy and
            momentum

            $$E = hf = \frac{hc}{\lambda}, \qquad p = \frac{E}{c} = \frac{h}{\lambda},$$

            where $h = 6.63\times10^{-34}\,\mathrm{J\,s}$ is Planck's constant. Photons have no
            mass and always travel at $c$ in vacuum. Higher frequency means more energetic
            photons: an X-ray photon carries thousands of times the energy of a visible one. A
            beam's power is the number of photons per second times the energy of each. Photon
            energies are often quoted in electron volts
            ($1\,\mathrm{eV} = 1.60\times10^{-19}\,\mathrm{J}$); a handy shortcut is
            $E \approx 1240/\lambda$, with $E$ in eV and $\lambda$ in nm. Planck introduced the
            quantum in 1900; Einstein made it physical in 1905.
        """,
        example=r"""
            A photon of green light, $\lambda = 500\,\mathrm{nm}$, has

            $$E = \frac{hc}{\lambda} = \frac{(6.63\times10^{-34})(3.00\times10^8)}
            {500\times10^{-9}} \approx 4.0\times10^{-19}\,\mathrm{J} \approx 2.5\,\mathrm{eV}.$$

            A $5.0\,\mathrm{mW}$ laser pointer at that wavelength therefore emits about
            $(5.0\times10^{-3})/(4.0\times10^{-19}) \approx 1.3\times10^{16}$ photons every
            second, so the graininess of light goes unnoticed. Ultraviolet photons at
            $300\,\mathrm{nm}$ carry about $4.1\,\mathrm{eV}$, enough to break chemical bonds in
            the DNA of skin cells; that is why UV causes sunburn and visible light does not.
        """,
        simpler=r"""
            Light seems smooth and continuous, but it actually comes in tiny packets called
            photons. Each photon carries a fixed amount of energy that depends on its colour:
            blue photons carry more than red ones, and ultraviolet photons more still. That's why
            UV light can give you sunburn but ordinary lamplight can't, even though a lamp sends
            out huge numbers of photons.
        """,
        alternative=r"""
            Modern detectors let us hear photons one by one. A photomultiplier tube in very dim
            light produces separate clicks, like raindrops on a roof, not a steady hiss. Your own
            eyes come close: dark-adapted rod cells respond to single photons, and a 2016 study
            suggested people can sometimes sense one. Photons also carry momentum, small but
            real: Japan's IKAROS probe, launched in 2010, unfurled a solar sail and was pushed
            through space by sunlight alone. Planck himself, who introduced the quantum in 1900,
            long regarded it as a mathematical trick rather than a physical particle.
        """,
    ),
    ConceptSpec(
        slug="de-broglie-wavelength",
        title="Matter waves (de Broglie wavelength)",
        topic="modern-physics",
        keywords=(
            "de broglie wavelength",
            "matter waves",
            "wavelength of an electron",
            "lambda = h/p",
            "electron diffraction",
            "electron microscope",
        ),
        explanation=r"""
            In 1924 Louis de Broglie proposed that every moving particle has a wavelength, set
            by its momentum:

            $$\lambda = \frac{h}{p} = \frac{h}{mv}.$$

            For everyday objects $\lambda$ is absurdly small, so wave effects are invisible. For
            electrons, neutrons and atoms it can match the spacing of atoms in a crystal, and
            they diffract. If a particle of mass $m$ and charge $q$ is accelerated from rest
            through a voltage $V$, its kinetic energy is $qV$, so $p = \sqrt{2mqV}$ and

            $$\lambda = \frac{h}{\sqrt{2mqV}}.$$

            Electron diffraction was observed in 1927, confirming the idea, and de Broglie
            received the 1929 Nobel Prize. Matter waves are the basis of the electron
            microscope, which resolves far finer detail than light can, because fast electrons
            have wavelengths thousands of times shorter than visible light.
        """,
        example=r"""
            An electron moving at $2.0\times10^6\,\mathrm{m/s}$ has

            $$\lambda = \frac{h}{mv} = \frac{6.63\times10^{-34}}{(9.11\times10^{-31})
            (2.0\times10^6)} \approx 3.6\times10^{-10}\,\mathrm{m},$$

            about the size of an atom, so it diffracts strongly from crystals. A
            $0.15\,\mathrm{kg}$ cricket ball at $40\,\mathrm{m/s}$ has
            $\lambda = 6.63\times10^{-34}/6.0 \approx 1.1\times10^{-34}\,\mathrm{m}$, far smaller
            than a proton; no experiment could ever detect it. In a transmission electron
            microscope at $200\,\mathrm{kV}$, the electron wavelength is about $2.5\,\mathrm{pm}$,
            short enough to image individual columns of atoms.
        """,
        simpler=r"""
            We think of waves and particles as different things, but tiny particles like
            electrons also behave like waves. The faster and heavier something is, the shorter
            its "wave". For a football, the wave is so incredibly tiny it doesn't matter at all.
            But for an electron it's about the size of an atom, which is why electrons can
            spread out and ripple like light.
        """,
        alternative=r"""
            De Broglie's idea began as an argument from symmetry in his 1924 doctoral thesis.
            Einstein had shown that light waves have particle properties; perhaps particles have
            wave properties too. His examiners were unsure and sent the thesis to Einstein, who
            praised it. The idea then explained a puzzle in Bohr's atom: why only certain orbits
            are allowed. If an electron is a wave wrapped around the nucleus, a whole number of
            wavelengths must fit around the circumference, $2\pi r = n\lambda$, or it interferes
            with itself destructively. Combined with $\lambda = h/mv$, this reproduces Bohr's
            rule for angular momentum, $mvr = nh/2\pi$.
        """,
    ),
    ConceptSpec(
        slug="radioactive-decay",
        title="Radioactive decay and half-life",
        topic="modern-physics",
        keywords=(
            "radioactive decay",
            "half-life",
            "alpha beta gamma radiation",
            "decay constant",
            "activity",
            "carbon dating",
        ),
        explanation=r"""
            Unstable nuclei **decay** spontaneously, emitting **alpha** particles (helium
            nuclei), **beta** particles (electrons or positrons) or **gamma** rays (high-energy
            photons). Each nucleus decays at random; no one can say when a particular one will
            go. For a large number, though, a fixed fraction decays per second, giving
            exponential decay:

            $$N = N_0 e^{-\lambda t}, \qquad A = \lambda N,$$

            where $\lambda$ is the decay constant and $A$ the activity in becquerels (decays per
            second). The **half-life** is the time for half the nuclei to decay:

            $$t_{1/2} = \frac{\ln 2}{\lambda}.$$

            After $n$ half-lives, a fraction $(1/2)^n$ remains. Half-lives range from fractions of
            a second to billions of years and are unaffected by temperature, pressure or
            chemistry. They underlie radiometric dating and medical tracers.
        """,
        example=r"""
            Iodine-131, used to treat thyroid disease, has a half-life of $8.0$ days. Starting
            with $80\,\mathrm{mg}$, after $24$ days, which is three half-lives, the amount left
            is

            $$80 \times \left(\frac{1}{2}\right)^3 = 10\,\mathrm{mg}.$$

            Carbon dating uses carbon-14, with a half-life of $5730$ years. A living organism
            keeps a steady level of carbon-14; after death, the level decays. A bone with 25 % of
            the original carbon-14 has been through two half-lives, so it is about
            $11\,500$ years old.
        """,
        simpler=r"""
            Some atoms are unstable and eventually break apart, giving out radiation. You can't
            predict when any single atom will break, just like you can't say which popcorn
            kernel will pop next. But with huge numbers of atoms it's predictable: after a
            certain time, the half-life, half of them have broken apart. After another
            half-life, half of what's left, and so on.
        """,
        alternative=r"""
            Imagine a big bag of coins, all tossed once a minute, with every coin that lands
            heads removed. Each minute about half disappear, whichever ones they happen to be:
            $1000$, then about $500$, $250$, $125$. That is a half-life of one minute, and no
            coin ages: one that has survived ten tosses is no more likely to go next. Ernest
            Rutherford and Frederick Soddy discovered in 1902 that radioactive decay turns one
            element into another, overturning the idea that elements are permanent, and
            Rutherford later coined the term half-life. The curie, a unit of activity, honours
            Marie Curie's work isolating radium.
        """,
    ),
    ConceptSpec(
        slug="special-relativity",
        title="Special relativity: time dilation and length contraction",
        topic="modern-physics",
        keywords=(
            "special relativity",
            "time dilation",
            "length contraction",
            "lorentz factor",
            "speed of light is constant",
            "moving clocks run slow",
            "muon lifetime",
            "time slows down at high speed",
        ),
        explanation=r"""
            Einstein's **special relativity** (1905) rests on two postulates: the laws of physics
            are the same in every inertial frame, and the speed of light in vacuum, $c$, is the
            same for all observers. Together they force time and space to depend on the
            observer's motion. A moving clock runs slow, **time dilation**; a moving object is
            shortened along its motion, **length contraction**:

            $$\Delta t = \gamma\Delta t_0, \qquad L = \frac{L_0}{\gamma}, \qquad
            \gamma = \frac{1}{\sqrt{1 - v^2/c^2}}.$$

            Here $\Delta t_0$ is the proper time, measured by a clock moving with the object, and
            $L_0$ its length at rest. At everyday speeds $\gamma \approx 1$ and the effects are
            tiny; near $c$ they are large. Events simultaneous in one frame need not be in
            another, and nothing with mass can reach $c$.
        """,
        example=r"""
            Muons made by cosmic rays high in the atmosphere have a mean lifetime of
            $2.2\,\mu\mathrm{s}$ at rest. Moving at $0.98c$, they have

            $$\gamma = \frac{1}{\sqrt{1 - 0.98^2}} \approx 5.0,$$

            so in the ground frame they live about $11\,\mu\mathrm{s}$ on average and travel
            about $0.98 \times 3.0\times10^8 \times 11\times10^{-6} \approx 3.2\,\mathrm{km}$,
            instead of $650\,\mathrm{m}$. That is why far more muons reach the ground than
            pre-relativity physics predicts. From the muon's point of view, the atmosphere is
            contracted by the same factor of five.
        """,
        simpler=r"""
            Einstein discovered that time isn't the same for everyone. If you zoomed past Earth
            in a spaceship at nearly the speed of light, people on Earth would see your clocks
            ticking slowly, and your ship squashed shorter. You wouldn't notice anything odd
            yourself. At normal speeds, like cars or planes, the effect is far too small to
            notice.
        """,
        alternative=r"""
            Build a "light clock": a pulse of light bouncing between two mirrors, each round trip
            one tick. Now put it on a fast train. To someone on the platform, the pulse must
            travel a longer, zigzag path to keep up with the moving mirrors. Since light's speed
            is the same for them too, each tick takes longer: the moving clock runs slow, and
            Pythagoras' theorem applied to the zigzag gives exactly the factor $\gamma$. The
            effect is engineered around every day. GPS satellites move at about
            $3.9\,\mathrm{km/s}$, and from this motion alone their clocks would fall behind by
            about $7\,\mu\mathrm{s}$ per day, so the system corrects for it.
        """,
    ),
    ConceptSpec(
        slug="mass-energy-equivalence",
        title="Mass–energy equivalence",
        topic="modern-physics",
        keywords=(
            "e = mc^2",
            "mass-energy equivalence",
            "rest energy",
            "mass defect",
            "binding energy",
            "energy from mass",
        ),
        explanation=r"""
            Einstein's most famous result says that mass is a form of energy. An object at rest
            has **rest energy**

            $$E_0 = mc^2,$$

            and because $c^2 = 9.0\times10^{16}\,\mathrm{m^2/s^2}$ is so large, a tiny mass
            corresponds to an enormous energy. Whenever a system releases energy, its mass
            decreases by $\Delta m = \Delta E/c^2$; whenever it absorbs energy, its mass
            increases. In chemical reactions the change is far too small to weigh, but in nuclear
            reactions it is a measurable fraction, from about 0.1 % in fission to 0.7 % in
            hydrogen fusion. A nucleus weighs less than its separate protons and neutrons; that
            **mass defect**, times $c^2$, is the binding energy holding it together. For a moving
            object the total energy is $E = \gamma mc^2$, and in general
            $E^2 = (pc)^2 + (mc^2)^2$, which also covers massless photons, with $E = pc$.
        """,
        example=r"""
            The Sun radiates $3.8\times10^{26}\,\mathrm{W}$. Each second, therefore, it loses
            mass

            $$\Delta m = \frac{E}{c^2} = \frac{3.8\times10^{26}}{(3.0\times10^{8})^2}
            \approx 4.2\times10^{9}\,\mathrm{kg},$$

            over four million tonnes per second, turned into light by nuclear fusion in its core.
            Yet over its $4.6$ billion years so far, that adds up to less than 0.1 % of its mass.
            By contrast, burning a litre of petrol releases about
            $3.4\times10^{7}\,\mathrm{J}$, which corresponds to a mass loss of only
            $0.4\,\mu\mathrm{g}$.
        """,
        simpler=r"""
            Einstein found that mass and energy are two forms of the same thing, and one can turn
            into the other. A tiny bit of mass holds a gigantic amount of energy: the mass of a
            raisin, completely turned into energy, could power a city for about a day. The Sun
            shines by turning a little of its mass into light every second.
        """,
        alternative=r"""
            Einstein added the idea almost as an afterthought, in a three-page paper of September
            1905 asking whether a body's inertia depends on its energy content. His argument: a
            body that emits two equal light pulses in opposite directions must, seen from a
            moving frame, have lost mass equal to the energy carried away divided by $c^2$.
            Confirmation came in 1932, when Cockcroft and Walton split lithium nuclei with
            protons and measured energies matching the mass difference. It is better to think of
            mass not as "stuff" but as energy locked up in a system. A hot cup of tea really is
            heavier than the same cup cold, by a few parts in a million million.
        """,
    ),
    ConceptSpec(
        slug="atomic-energy-levels",
        title="Atomic energy levels and spectra",
        topic="modern-physics",
        keywords=(
            "energy levels",
            "atomic spectra",
            "emission spectrum",
            "absorption lines",
            "bohr model",
            "hydrogen spectrum",
            "electron transitions",
            "spectral lines",
        ),
        explanation=r"""
            Electrons in an atom can only have certain discrete energies, the atom's **energy
            levels**. When an electron drops from a higher level $E_i$ to a lower level $E_f$,
            the atom emits a photon carrying exactly the difference:

            $$hf = \frac{hc}{\lambda} = E_i - E_f.$$

            Absorbing a photon of exactly the right energy lifts an electron up. Because the
            levels differ for every element, each element emits and absorbs its own set of
            wavelengths, a **line spectrum** as unique as a fingerprint. For hydrogen the levels
            are

            $$E_n = -\frac{13.6\,\mathrm{eV}}{n^2}, \qquad n = 1, 2, 3, \ldots$$

            The negative sign means the electron is bound: $13.6\,\mathrm{eV}$ is needed to
            ionise hydrogen from its ground state. The levels exist because the electron behaves
            as a standing wave confined around the nucleus.
        """,
        example=r"""
            In hydrogen, an electron falls from $n = 3$ to $n = 2$. The energy released is

            $$\Delta E = -\frac{13.6}{9} - \left(-\frac{13.6}{4}\right) = 1.89\,\mathrm{eV},$$

            so the photon has $\lambda = hc/\Delta E \approx 1240/1.89 \approx 656\,\mathrm{nm}$:
            the red H-alpha line that colours glowing hydrogen clouds in astronomical photos. A
            fall from $n = 2$ to $n = 1$ releases $10.2\,\mathrm{eV}$, an ultraviolet photon at
            $122\,\mathrm{nm}$. Sodium street lamps glow yellow-orange because sodium's strongest
            transition emits at $589\,\mathrm{nm}$.
        """,
        simpler=r"""
            Electrons in an atom live on certain "floors", like a building with no stairs in
            between. To jump up a floor they must absorb exactly the right amount of energy; when
            they fall down, they give out exactly that energy as light of one particular colour.
            Each element has its own floors, so each glows with its own set of colours, like a
            barcode.
        """,
        alternative=r"""
            In 1814 Joseph von Fraunhofer spread sunlight into a spectrum and found it crossed by
            hundreds of dark lines. In 1859 Kirchhoff and Bunsen showed that each element absorbs
            and emits at its own fixed wavelengths, and that the Sun's dark lines match elements
            in its atmosphere: chemistry could now be done on a star. In 1868 astronomers found a
            yellow solar line matching no known element and named the element helium, after the
            Sun, decades before it was found on Earth. Niels Bohr explained hydrogen's lines in
            1913 by quantising the electron's orbits, a model later replaced by quantum
            mechanics, though its hydrogen levels survive exactly.
        """,
    ),
)
