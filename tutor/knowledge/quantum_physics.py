"""Quantum physics entries."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="wave-particle-duality",
        title="Wave–particle duality",
        topic="quantum-physics",
        keywords=(
            "wave-particle duality",
            "wave particle duality",
            "is light a wave or a particle",
            "complementarity",
            "matter waves",
            "electron double slit",
        ),
        explanation=r"""
            **Wave–particle duality** is the fact that light and matter show both wave and
            particle behaviour, depending on the experiment. Light diffracts and interferes like
            a wave, yet it is absorbed in whole packets, photons, each with energy and momentum

            $$E = hf, \qquad p = \frac{h}{\lambda}.$$

            In 1924 de Broglie proposed that the same relation holds for matter: a particle of
            momentum $p$ has wavelength $\lambda = h/p$. Electrons, neutrons, atoms and even large
            molecules have since been shown to diffract. Quantum mechanics resolves the apparent
            contradiction: an object is described by a wavefunction that spreads and interferes
            like a wave, while each detection happens at a single point, like a particle. Neither
            the pure wave picture nor the pure particle picture is the whole story.
        """,
        example=r"""
            In Tonomura's 1989 double-slit experiment, electrons were sent one at a time, so no
            two could interfere with each other. Each electron left a single dot on the detector:
            particle behaviour. After tens of thousands of electrons, the dots had built up
            bright and dark fringes: wave behaviour. The wavelength fits de Broglie's rule.
            Electrons accelerated through $100\,\mathrm{V}$ have

            $$\lambda = \frac{h}{\sqrt{2 m e V}} \approx 0.12\,\mathrm{nm},$$

            about the spacing of atoms in a crystal. That is why Davisson and Germer saw
            electrons diffract from a nickel crystal in 1927, exactly as X-rays do.
        """,
        simpler=r"""
            Light and tiny particles like electrons are odd. Sometimes they spread out and
            overlap like ripples on water, and sometimes they hit a screen as single dots, like
            tiny bullets. They are not one or the other. Think of them as a new kind of thing
            that travels like a wave but lands like a particle. Which side you see depends on how
            you look.
        """,
        alternative=r"""
            For three centuries physicists argued about light. Newton favoured corpuscles;
            Huygens favoured waves. Young's two-slit fringes in 1801 and Maxwell's equations
            seemed to settle it for waves. Then Einstein's 1905 photoelectric paper and Compton's
            1923 X-ray scattering brought particles back: light knocks electrons out of metals,
            and bounces off them, in discrete quanta. De Broglie turned the argument around in
            his 1924 thesis and asked whether electrons might be waves too. Davisson and Germer
            confirmed it three years later. Bohr summed up the lesson as complementarity:
            experiments reveal one face or the other, never both in the same arrangement.
        """,
    ),
    ConceptSpec(
        slug="wavefunction-born-rule",
        title="Wavefunction and the Born rule",
        topic="quantum-physics",
        keywords=(
            "wavefunction",
            "wave function",
            "born rule",
            "probability density",
            "psi squared",
            "normalisation",
            "schrodinger equation",
        ),
        explanation=r"""
            In quantum mechanics the state of a particle is described by a **wavefunction**
            $\psi(x, t)$, a complex-valued function of position and time. It is not directly
            observable. The **Born rule** (Max Born, 1926) connects it to experiment: the
            probability of finding the particle between $x$ and $x + dx$ is

            $$P(x)\,dx = |\psi(x, t)|^2\,dx,$$

            so $|\psi|^2$ is a probability density. Because the particle must be found somewhere,
            the wavefunction is normalised:

            $$\int_{-\infty}^{\infty} |\psi(x, t)|^2\,dx = 1.$$

            The wavefunction evolves smoothly and deterministically by the Schrödinger equation;
            only the outcome of each measurement is random. For a discrete set of states the same
            rule says the probability of outcome $n$ is $|c_n|^2$, where $c_n$ is its amplitude.
        """,
        example=r"""
            A particle in a box of width $L$ in its ground state has
            $\psi(x) = \sqrt{2/L}\,\sin(\pi x/L)$. What is the probability of finding it in the
            middle third, $L/3 < x < 2L/3$? Integrate $|\psi|^2$ over that range:

            $$P = \frac{2}{L}\int_{L/3}^{2L/3} \sin^2\left(\frac{\pi x}{L}\right) dx
            = \frac{1}{3} + \frac{\sqrt{3}}{2\pi} \approx 0.609.$$

            A classical ball bouncing at constant speed would spend exactly one third of its time
            there. The quantum particle is more likely to be near the centre, where $|\psi|^2$
            peaks, and less likely near the walls, where $\psi$ goes to zero.
        """,
        simpler=r"""
            We can't say exactly where an electron is before we look. Instead, quantum physics
            gives a map of chances, called the wavefunction. Where the map is big, you are likely
            to find the electron; where it is small, you rarely will. Square the size of the map
            at a spot and you get the chance of finding it there. All the chances add up to
            100 %.
        """,
        alternative=r"""
            Compare the wavefunction to a weather forecast that is computed exactly yet only
            predicts odds. The forecast evolves by precise rules, but it says "70 % chance of
            rain", not what will happen. There is one twist: the quantum version stores
            amplitudes, which can be negative or complex, and amplitudes add before squaring.
            Two routes each giving probability $1/4$ can combine to $1$ or to $0$, something
            ordinary odds never do. Born first wrote his rule with the square only in a footnote,
            correcting the main text; the statistical interpretation later earned him the 1954
            Nobel Prize.
        """,
    ),
    ConceptSpec(
        slug="quantum-superposition",
        title="Quantum superposition",
        topic="quantum-physics",
        keywords=(
            "superposition",
            "quantum superposition",
            "both states at once",
            "qubit",
            "probability amplitude",
            "schrodinger's cat",
        ),
        explanation=r"""
            A quantum system can be in a **superposition**: a weighted sum of several possible
            states at once. For a two-state system such as a qubit,

            $$|\psi\rangle = \alpha|0\rangle + \beta|1\rangle, \qquad
            |\alpha|^2 + |\beta|^2 = 1.$$

            The complex numbers $\alpha$ and $\beta$ are **amplitudes**. A measurement gives $0$
            with probability $|\alpha|^2$ and $1$ with probability $|\beta|^2$, and afterwards the
            system is in the state that was found. Superposition is not ignorance about a hidden
            definite value: the amplitudes can interfere, adding or cancelling, which produces
            effects no mixture of definite states can. Because the Schrödinger equation is
            linear, any sum of allowed solutions is also an allowed solution, so superposition is
            built into the theory.
        """,
        example=r"""
            A single photon meets a 50:50 beam splitter. Its state becomes
            $\frac{1}{\sqrt{2}}(|\text{upper}\rangle + |\text{lower}\rangle)$, with amplitude
            $1/\sqrt{2}$ for each path. A detector on either path clicks with probability
            $(1/\sqrt{2})^2 = 0.5$, and only one detector ever clicks for a single photon. Now
            recombine the paths at a second beam splitter without looking (a Mach–Zehnder
            interferometer). With equal path lengths the amplitudes interfere so that every
            photon leaves through the same port, 100 % of the time. If each photon had secretly
            taken one path, each output would get 50 %. Both paths contributed.
        """,
        simpler=r"""
            Normally a light switch is either on or off. A quantum object can be in a blend of
            both at once, with a "weight" for each option. When you check it, you always see just
            one answer, and the weights set how likely each answer is. The blend is real, not
            just us not knowing: the options can add up or cancel out like ripples on a pond,
            something a coin hidden under a cup never does.
        """,
        alternative=r"""
            Think of it geometrically. Each possible state is an arrow, and states combine like
            ordinary vectors: any arrow can be split into perpendicular "basis" arrows, just as a
            displacement splits into north and east parts. Whether something counts as "in
            superposition" depends on which axes you choose. A spin pointing along $+x$ is a
            definite state for an $x$-measurement, yet an equal mix of up and down along $z$. So
            superposition is not a strange extra property; it is what every state looks like
            from axes it is not aligned with. A measurement picks a set of axes and projects the
            arrow onto them.
        """,
    ),
    ConceptSpec(
        slug="quantum-coherence",
        title="Quantum coherence",
        topic="quantum-physics",
        keywords=(
            "quantum coherence",
            "coherence",
            "relative phase",
            "coherent superposition",
            "coherence time",
            "interference of amplitudes",
        ),
        explanation=r"""
            **Quantum coherence** is a definite, stable phase relationship between the parts of a
            superposition. In

            $$|\psi\rangle = \frac{1}{\sqrt{2}}\left(|0\rangle + e^{i\phi}|1\rangle\right)$$

            the relative phase $\phi$ is what lets the two branches interfere. When $\phi$ is well
            defined, a measurement that mixes the branches shows interference fringes whose
            position depends on $\phi$. If $\phi$ fluctuates randomly from run to run, the fringes
            wash out and the system behaves like a plain 50/50 mixture. In the density-matrix
            description, coherence lives in the off-diagonal elements $\rho_{01}$; the diagonal
            elements only give the probabilities. Coherence is the resource behind
            interferometers, atomic clocks and quantum computers, and it is lost through
            **decoherence**: uncontrolled interaction with the environment.
        """,
        example=r"""
            In a double-slit experiment with electrons, each electron's wavefunction passes
            through both slits. Because the two parts keep a fixed phase relationship, they
            interfere and build up bright and dark fringes on the screen, one electron at a time.
            Now shine light on the slits to see which one each electron used: the scattered
            photons record the path, the phase relationship is destroyed, and the fringes
            disappear, leaving two overlapping blobs. A practical case: superconducting qubits
            keep coherence for roughly $100\,\mu\mathrm{s}$. With each gate taking about
            $50\,\mathrm{ns}$, that allows on the order of $2000$ operations before the stored
            phase information is lost.
        """,
        simpler=r"""
            Imagine two swings pushed in perfect rhythm. Because they keep in step, you can
            predict exactly how they move together. Quantum coherence is like that: the different
            possibilities of a quantum object stay "in step" with each other, so they can add up
            or cancel out. If someone keeps bumping the swings at random, the rhythm is lost and
            the pattern disappears. That loss is called decoherence.
        """,
        alternative=r"""
            Coherence began as an idea about light. A laser beam is coherent: its waves keep the
            same phase over metres, so two parts of the beam can be overlapped to give sharp
            fringes. Sunlight is incoherent: its phase scrambles within micrometres, so fringes
            from it are faint and short. Quantum coherence carries the same test over to single
            particles. Split one atom's matter wave, send the halves along different routes, then
            rejoin them: if fringes appear, the halves stayed coherent. Physicists quote a
            "coherence time" for how long this phase memory survives. Cold atoms in vacuum keep
            it for seconds; a warm molecule in air loses it far faster, which is why everyday
            objects never show it.
        """,
    ),
    ConceptSpec(
        slug="decoherence",
        title="Decoherence",
        topic="quantum-physics",
        keywords=(
            "decoherence",
            "loss of coherence",
            "environment measurement",
            "quantum to classical",
            "T2 time",
            "why no macroscopic superpositions",
        ),
        explanation=r"""
            **Decoherence** is the loss of quantum coherence through a system's interaction with
            its environment. When a system in a superposition meets air molecules, stray photons
            or lattice vibrations, the environment becomes correlated with each branch:

            $$(\alpha|0\rangle + \beta|1\rangle)|E\rangle \to
            \alpha|0\rangle|E_0\rangle + \beta|1\rangle|E_1\rangle.$$

            Once the environment states $|E_0\rangle$ and $|E_1\rangle$ are distinguishable, no
            measurement on the system alone can show interference between the branches: the
            off-diagonal terms of its density matrix decay, often like $e^{-t/T_2}$. The system
            then looks like a classical mixture, $0$ with probability $|\alpha|^2$ or $1$ with
            probability $|\beta|^2$. Decoherence is extremely fast for large, warm objects, which
            is why everyday things never appear in superpositions. It explains why interference
            vanishes, though on its own it does not pick which outcome occurs.
        """,
        example=r"""
            A superconducting qubit is prepared in $(|0\rangle + |1\rangle)/\sqrt{2}$. Stray
            microwave photons, defects in the chip and thermal noise slowly record which state it
            is in. Its coherence decays as $e^{-t/T_2}$. With $T_2 = 80\,\mu\mathrm{s}$, after
            $40\,\mu\mathrm{s}$ the surviving coherence is $e^{-0.5} \approx 0.61$ of the original;
            after $240\,\mu\mathrm{s}$ it is $e^{-3} \approx 0.05$. That is why quantum computers
            are cooled to about $10\,\mathrm{mK}$ and shielded: every stray interaction carries
            information away and shortens $T_2$. Large objects fare far worse. Estimates for a
            dust grain in air give decoherence times around $10^{-31}\,\mathrm{s}$.
        """,
        simpler=r"""
            Imagine whispering a secret in a crowded room. Almost at once other people overhear
            bits of it, and it is no longer just yours. A quantum object in a "both at once"
            state is like that secret. Every air molecule or speck of light that bumps into it
            picks up a clue about which state it is in. Soon the "both at once" behaviour is
            gone, and the object acts like an ordinary thing that is just one or the other.
        """,
        alternative=r"""
            Picture a choir singing one note perfectly in tune: the voices reinforce into a
            clear, strong sound. Now let each singer drift off pitch by a random amount. No voice
            has stopped, yet the combined sound turns to a blur. Decoherence works the same way
            for the branches of a quantum state. Each contact with the surroundings nudges their
            relative phases unpredictably; averaged over what we cannot track, the interference
            terms cancel. Historically this idea, developed by H. Dieter Zeh from 1970 and
            Wojciech Zurek in the 1980s, answered an old puzzle: why we never see a cat
            half-alive. Nothing mysterious removes the superposition. The information simply
            leaks out into the world.
        """,
    ),
    ConceptSpec(
        slug="uncertainty-principle",
        title="Heisenberg uncertainty principle",
        topic="quantum-physics",
        keywords=(
            "uncertainty principle",
            "heisenberg",
            "position momentum uncertainty",
            "delta x delta p",
            "energy time uncertainty",
            "indeterminacy",
        ),
        explanation=r"""
            The **Heisenberg uncertainty principle** sets a lower limit on how sharply certain
            pairs of quantities can be defined at the same time. For position and momentum along
            one axis,

            $$\Delta x\,\Delta p \geq \frac{\hbar}{2}, \qquad
            \hbar = \frac{h}{2\pi} \approx 1.055 \times 10^{-34}\,\mathrm{J\,s},$$

            where $\Delta x$ and $\Delta p$ are the standard deviations of many measurements on
            identically prepared systems. It is not a flaw of instruments: it follows from the
            wave nature of matter. A wave packet confined to a small region must be built from
            many wavelengths, so its momentum spread is large; a single precise wavelength needs
            an infinitely long wave. A similar relation, $\Delta E\,\Delta t \sim \hbar$, links
            the lifetime of an excited state to the spread of its energy.
        """,
        example=r"""
            An electron is confined to an atom, $\Delta x \approx 1.0 \times 10^{-10}\,\mathrm{m}$.
            The minimum momentum spread is

            $$\Delta p \geq \frac{\hbar}{2\Delta x}
            = \frac{1.055\times10^{-34}}{2.0\times10^{-10}}
            \approx 5.3\times10^{-25}\,\mathrm{kg\,m/s}.$$

            Dividing by $m_e = 9.11\times10^{-31}\,\mathrm{kg}$ gives a velocity spread of about
            $5.8\times10^{5}\,\mathrm{m/s}$. That is huge, which is why electrons in atoms cannot
            sit still. For a $0.15\,\mathrm{kg}$ baseball located to within $1\,\mathrm{mm}$,
            $\Delta v \geq 3.5\times10^{-31}\,\mathrm{m/s}$: utterly negligible.
        """,
        simpler=r"""
            Try to pin down a wave. A long, smooth wave has a clear wavelength but no single
            location. A short blip has a clear location but a messy mix of wavelengths. Tiny
            particles are wave-like, so the same trade-off applies to them: the more exactly you
            know where an electron is, the less exactly you can know how fast it is moving, and
            the other way round.
        """,
        alternative=r"""
            Heisenberg's own 1927 argument was a thought experiment with a microscope. To see
            where an electron is, you bounce light off it. A sharp image needs short-wavelength
            light, since resolution is about one wavelength. But such photons carry large
            momentum, $p = h/\lambda$, and each collision kicks the electron by an unknown amount.
            Improve the position reading and you spoil the momentum, and vice versa; the product
            of the two errors stays near $h$. Modern physics treats this picture as a cartoon:
            the limit holds even with no disturbance at all, because no quantum state has both a
            sharp position and a sharp momentum. Still, the microscope captures why nature
            refuses us both at once.
        """,
    ),
    ConceptSpec(
        slug="quantum-tunnelling",
        title="Quantum tunnelling",
        topic="quantum-physics",
        keywords=(
            "quantum tunnelling",
            "quantum tunneling",
            "barrier penetration",
            "tunnel effect",
            "alpha decay tunnelling",
            "scanning tunnelling microscope",
        ),
        explanation=r"""
            **Quantum tunnelling** is the passage of a particle through an energy barrier higher
            than its own energy, which classical physics forbids. Inside the barrier the
            Schrödinger equation gives not an oscillating wave but an exponentially decaying
            wavefunction. If the barrier is thin enough, some amplitude survives on the far side,
            so there is a finite probability of finding the particle there. For a barrier of
            height $V_0$ and width $L$, with particle energy $E < V_0$, the transmission
            probability is roughly

            $$T \approx e^{-2\kappa L}, \qquad \kappa = \frac{\sqrt{2m(V_0 - E)}}{\hbar}.$$

            Tunnelling is very sensitive to mass, barrier height and especially width. It
            explains alpha decay, lets protons fuse in the Sun's core, and is used in scanning
            tunnelling microscopes and flash memory.
        """,
        example=r"""
            An electron with $E = 1.0\,\mathrm{eV}$ meets a barrier $V_0 = 5.0\,\mathrm{eV}$ high
            and $L = 0.50\,\mathrm{nm}$ wide. Then
            $V_0 - E = 4.0\,\mathrm{eV} = 6.4\times10^{-19}\,\mathrm{J}$ and

            $$\kappa = \frac{\sqrt{2(9.11\times10^{-31})(6.4\times10^{-19})}}{1.055\times10^{-34}}
            \approx 1.0\times10^{10}\,\mathrm{m^{-1}}.$$

            So $2\kappa L \approx 10.2$ and $T \approx e^{-10.2} \approx 3.6\times10^{-5}$: roughly
            four electrons in every hundred thousand get through. Double the width to
            $1.0\,\mathrm{nm}$ and $T$ falls to about $1.3\times10^{-9}$. This extreme
            sensitivity to distance is what lets a scanning tunnelling microscope resolve single
            atoms.
        """,
        simpler=r"""
            Roll a ball at a hill too high for it, and it always rolls back. Tiny particles such
            as electrons are different. Because they behave a bit like waves, part of the wave
            leaks into the hill and, if the hill is thin, out the other side. So sometimes the
            particle simply appears beyond the hill, as if it had dug a tunnel. The thinner the
            hill, the more often this happens.
        """,
        alternative=r"""
            Light shows the same effect, which makes it easy to picture. When light undergoes
            total internal reflection inside glass, a faint field still reaches a short way past
            the surface: an evanescent wave that dies off within about one wavelength. Bring a
            second block of glass within that distance and some light jumps the air gap and
            carries on. This is called frustrated total internal reflection. An electron meeting
            a barrier behaves just like that, because its matter wave has an evanescent tail
            too. George Gamow used this idea in 1928 to explain why alpha particles escape
            nuclei that classically should hold them forever, and why half-lives range from
            microseconds to billions of years.
        """,
    ),
    ConceptSpec(
        slug="quantum-entanglement",
        title="Quantum entanglement",
        topic="quantum-physics",
        keywords=(
            "entanglement",
            "entangled particles",
            "bell inequality",
            "epr paradox",
            "spooky action at a distance",
            "bell state",
        ),
        explanation=r"""
            Two or more particles are **entangled** when their joint state cannot be written as
            a product of separate states for each particle. A standard example is the Bell state

            $$|\Phi^+\rangle = \frac{1}{\sqrt{2}}\left(|00\rangle + |11\rangle\right).$$

            Neither qubit has a definite value on its own: each, measured alone, gives $0$ or $1$
            at random. Yet whenever both are measured in this basis, the results agree, and
            strong correlations persist in other bases too. These correlations are stronger than
            any theory with local pre-set values allows, as Bell's inequality shows, and
            experiments confirm the quantum prediction. Entanglement cannot send messages faster
            than light, because each local result is random; the correlation only appears when
            the two records are compared. It is the resource behind quantum teleportation,
            quantum key distribution and much of quantum computing.
        """,
        example=r"""
            In 2017 the Chinese satellite Micius sent pairs of entangled photons to two ground
            stations about $1200\,\mathrm{km}$ apart. Each station measured the polarisation of
            its photon along one of several angles. When the angles matched, the results agreed
            as predicted. A combination of the correlations, $S$, must satisfy $S \leq 2$ in any
            local theory with pre-set answers (the CHSH Bell inequality); the measured value was
            about $2.37$, and quantum theory allows up to $2\sqrt{2} \approx 2.83$. Each
            station's own record looked like a random coin toss; the correlation appeared only
            when the two lists were compared.
        """,
        simpler=r"""
            Imagine two magic coins. You take one to Paris and your friend takes the other to
            Tokyo. You flip yours and get heads; your friend flips theirs and also gets heads,
            every single time, even though each coin on its own looks completely random.
            Entangled particles are linked like that. The odd part is that the result isn't
            decided in advance, yet the two always match.
        """,
        alternative=r"""
            Einstein, Podolsky and Rosen raised entanglement in 1935 as an objection: if
            measuring one particle fixes the other's result instantly, either quantum mechanics
            is incomplete or nature has "spooky action at a distance". For thirty years this
            looked like philosophy. In 1964 John Bell turned it into arithmetic: any theory where
            particles carry pre-set answers must keep a certain combination of correlations
            below a fixed bound, and quantum mechanics predicts that bound is broken. Clauser's
            experiments, Aspect's in 1982 and loophole-free tests in 2015 found it broken every
            time. The 2022 Nobel Prize went to Aspect, Clauser and Zeilinger for this work.
        """,
    ),
    ConceptSpec(
        slug="quantum-spin",
        title="Spin",
        topic="quantum-physics",
        keywords=(
            "spin",
            "electron spin",
            "spin up spin down",
            "stern-gerlach",
            "spin 1/2",
            "intrinsic angular momentum",
            "fermions and bosons",
        ),
        explanation=r"""
            **Spin** is an intrinsic angular momentum carried by particles, with no classical
            counterpart: an electron is not a tiny spinning ball. Each particle type has a fixed
            spin quantum number $s$; electrons, protons and neutrons have $s = 1/2$. Measured
            along any chosen axis, the spin component is quantised:

            $$S_z = m_s\hbar, \qquad m_s = -s, -s+1, \ldots, +s,$$

            so an electron gives only $+\hbar/2$ (spin up) or $-\hbar/2$ (spin down). Spin gives
            particles a magnetic moment, which is why electrons behave like tiny magnets and why
            iron can be magnetised. Particles with half-integer spin (fermions) obey the Pauli
            exclusion principle; those with integer spin (bosons, such as photons) do not. Spin
            states are also natural qubits.
        """,
        example=r"""
            In the Stern–Gerlach experiment (1922), a beam of silver atoms passes through a
            non-uniform magnetic field. Each atom has one unpaired electron, so it carries that
            electron's spin magnetic moment. A classical spinning magnet could point any way, so
            the beam should smear into a continuous band. Instead it splits into exactly two
            spots, for $S_z = +\hbar/2$ and $-\hbar/2$. Send only the "up" atoms through a second
            magnet turned $90^\circ$, and they split 50/50 again: measuring along $x$ erased the
            $z$ information. MRI scanners use the same physics, flipping proton spins in a
            $1.5\,\mathrm{T}$ field with radio waves near $64\,\mathrm{MHz}$.
        """,
        simpler=r"""
            Every electron acts like a tiny bar magnet that comes built in. Physicists call this
            property spin. Strangely, when you check which way that magnet points, you only ever
            get two answers, "up" or "down", never something in between. Spin is why some
            materials, like iron, can become fridge magnets: huge numbers of electron magnets
            line up together.
        """,
        alternative=r"""
            Rotate an ordinary object by $360^\circ$ and it is back where it started. Rotate the
            quantum state of an electron by $360^\circ$ and its wavefunction changes sign; it
            takes $720^\circ$ to restore it. Neutron interference experiments confirmed this in
            1975, showing that spin is not rotation of a physical body. A helpful geometric
            picture is the Bloch sphere: every possible spin-1/2 state is a point on a sphere,
            with "up" at the north pole and "down" at the south. Points on the equator are equal
            blends with different phases. A magnetic field makes the point precess around the
            field direction like a tilted gyroscope, the motion MRI and quantum computers rely
            on.
        """,
    ),
    ConceptSpec(
        slug="particle-in-a-box",
        title="Particle in a box (energy quantisation)",
        topic="quantum-physics",
        keywords=(
            "particle in a box",
            "infinite square well",
            "energy quantisation",
            "quantized energy levels",
            "zero-point energy",
            "quantum dots",
        ),
        explanation=r"""
            A particle confined to a region of width $L$ by infinitely high walls can only have
            certain energies. Its wavefunction must vanish at the walls, so only standing waves
            that fit a whole number of half-wavelengths are allowed: $L = n\lambda/2$. With
            $p = h/\lambda$ and $E = p^2/2m$, this gives

            $$E_n = \frac{n^2 h^2}{8 m L^2}, \qquad n = 1, 2, 3, \ldots$$

            Three lessons follow. Energy is **quantised**: it comes in discrete levels. The lowest
            energy is not zero; the particle always keeps a zero-point energy $E_1$, as the
            uncertainty principle demands. And the spacing grows as the box shrinks,
            $E \propto 1/L^2$, so quantisation matters most for small, light particles such as
            electrons in atoms, molecules and nanocrystals.
        """,
        example=r"""
            Quantum dots are semiconductor crystals a few nanometres across, and their colour is
            set by their size. Treat an electron as trapped in a box of $L = 1.0\,\mathrm{nm}$:

            $$E_1 = \frac{(6.63\times10^{-34})^2}{8(9.11\times10^{-31})(1.0\times10^{-9})^2}
            \approx 6.0\times10^{-20}\,\mathrm{J} \approx 0.38\,\mathrm{eV}.$$

            The jump from $n = 1$ to $n = 2$ needs $E_2 - E_1 = 3E_1 \approx 1.1\,\mathrm{eV}$.
            Halve the box to $0.5\,\mathrm{nm}$ and every level rises fourfold. Smaller dots
            therefore emit bluer light and larger dots redder light, the principle behind
            quantum-dot television screens.
        """,
        simpler=r"""
            Pluck a guitar string and it can only ring at certain notes, because the wave has to
            fit between the two fixed ends. An electron trapped in a tiny space is similar: its
            wave must fit inside, so only certain energies are allowed, like rungs on a ladder
            with nothing in between. The smaller the space, the further apart the rungs.
        """,
        alternative=r"""
            The box is the simplest model that shows why atoms have sharp spectral lines. Bohr
            in 1913 had to postulate discrete levels; Schrödinger's 1926 equation produced them
            automatically, as the only solutions that behave well at the boundaries. Seen this
            way, it is a boundary-value problem, the same mathematics as a drumhead or an organ
            pipe: boundaries select modes. Real systems are softer boxes. Dye molecules such as
            carotene hold electrons along a chain of carbon atoms; modelling the chain as a
            one-dimensional box predicts absorption wavelengths close to the measured ones and
            helps explain why carrots look orange.
        """,
    ),
)
