"""Waves and oscillations entries."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="simple-harmonic-motion",
        title="Simple harmonic motion",
        topic="waves",
        keywords=(
            "simple harmonic motion",
            "SHM",
            "oscillation",
            "mass on a spring",
            "pendulum period",
            "restoring force",
            "angular frequency",
        ),
        explanation=r"""
            **Simple harmonic motion** (SHM) is oscillation in which the restoring force is
            proportional to the displacement from equilibrium and opposite to it:

            $$F = -kx \quad\Rightarrow\quad a = -\omega^2 x.$$

            The solution is a sinusoid, $x(t) = A\cos(\omega t + \phi)$, with amplitude $A$ and
            angular frequency $\omega$. The period does not depend on the amplitude. For a mass
            on a spring and for a simple pendulum (small swings),

            $$T = 2\pi\sqrt{\frac{m}{k}}, \qquad T = 2\pi\sqrt{\frac{L}{g}}.$$

            Speed is greatest at the centre, $v_{\max} = A\omega$, and zero at the ends, where
            the acceleration is largest. Energy swaps between kinetic and potential, with total
            $E = \frac{1}{2}kA^2$. Almost any system near a stable equilibrium oscillates this
            way when disturbed slightly.
        """,
        example=r"""
            A $0.50\,\mathrm{kg}$ mass hangs on a spring with $k = 200\,\mathrm{N/m}$. Its period
            is

            $$T = 2\pi\sqrt{\frac{0.50}{200}} = 2\pi(0.050) \approx 0.31\,\mathrm{s},$$

            a frequency of about $3.2\,\mathrm{Hz}$. Pulled down $4.0\,\mathrm{cm}$ and released,
            it reaches $v_{\max} = A\omega = 0.040 \times 20 = 0.80\,\mathrm{m/s}$ as it passes
            the equilibrium point, and its oscillation energy is
            $\frac{1}{2}(200)(0.040)^2 = 0.16\,\mathrm{J}$. Pull it $8.0\,\mathrm{cm}$ instead:
            the period stays $0.31\,\mathrm{s}$, while the energy quadruples.
        """,
        simpler=r"""
            A swing, a bouncing spring and a guitar string all move back and forth in the same
            smooth, regular way. The further they are pulled from the middle, the harder they are
            pulled back. That gives a steady rhythm: a small swing and a big swing take the same
            time to go back and forth. This rhythm is called simple harmonic motion.
        """,
        alternative=r"""
            Watch a peg on a turning wheel edge-on, from the side, and its shadow slides back
            and forth in perfect SHM. That is the geometric heart of it: simple harmonic motion
            is uniform circular motion seen in projection. The wheel's angular speed becomes the
            $\omega$ of the oscillation, its radius becomes the amplitude, and the sine and
            cosine come from the projection. A famous story has Galileo timing a swinging lamp in
            Pisa Cathedral against his pulse and noticing that wide and narrow swings took the
            same time. Huygens turned that property into the pendulum clock in 1656, cutting
            errors from minutes a day to seconds.
        """,
    ),
    ConceptSpec(
        slug="wave-speed",
        title="Wave speed, frequency and wavelength",
        topic="waves",
        keywords=(
            "wave speed",
            "wave equation v = f lambda",
            "frequency",
            "wavelength",
            "period of a wave",
            "transverse and longitudinal waves",
        ),
        explanation=r"""
            A **wave** carries energy from place to place without carrying matter along with it.
            In one period $T$ a wave advances by one wavelength $\lambda$, so its speed is

            $$v = \frac{\lambda}{T} = f\lambda,$$

            where $f = 1/T$ is the frequency in hertz. The speed is set by the **medium**, not by
            the source: sound travels at about $340\,\mathrm{m/s}$ in air and
            $1500\,\mathrm{m/s}$ in water, and light at $3.00\times10^{8}\,\mathrm{m/s}$ in
            vacuum. On a string with tension $T_s$ and mass per unit length $\mu$,
            $v = \sqrt{T_s/\mu}$. At a fixed speed, changing the frequency changes the
            wavelength instead. In **transverse** waves, like waves on a string and light, the
            medium oscillates perpendicular to the direction of travel; in **longitudinal**
            waves, like sound, it oscillates along it.
        """,
        example=r"""
            The note A above middle C has $f = 440\,\mathrm{Hz}$. In air at $20^\circ\mathrm{C}$,
            where $v = 343\,\mathrm{m/s}$, its wavelength is

            $$\lambda = \frac{v}{f} = \frac{343}{440} \approx 0.78\,\mathrm{m}.$$

            Underwater the same note keeps its frequency but travels at $1480\,\mathrm{m/s}$, so
            $\lambda \approx 3.4\,\mathrm{m}$. FM radio at $100\,\mathrm{MHz}$ has
            $\lambda = (3.00\times10^8)/(1.00\times10^8) = 3.0\,\mathrm{m}$, which is why car
            aerials are about $0.75\,\mathrm{m}$ long: a quarter of a wavelength.
        """,
        simpler=r"""
            Make a wave by flicking a rope. Each bump moves along the rope, though the rope
            itself only wiggles up and down. How often you flick is the frequency; the gap
            between bumps is the wavelength. Flick faster and the bumps get closer together,
            because the rope carries them at its own fixed speed. Speed equals frequency times
            wavelength.
        """,
        alternative=r"""
            Stand in a stadium during a Mexican wave. You only stand up and sit down, yet a crest
            races round the stands. What travels is a pattern, not the people. Counting makes
            the formula obvious: if a new crest passes you $f$ times per second and crests are
            $\lambda$ apart, the pattern moves $f\lambda$ metres every second. Measuring wave
            speeds has a long history. In the 1600s the speed of sound was found by timing the
            flash and bang of distant cannons; in 1849 Hippolyte Fizeau measured light's speed
            with a spinning toothed wheel and a mirror $8\,\mathrm{km}$ away, getting within 5 %
            of today's value.
        """,
    ),
    ConceptSpec(
        slug="wave-interference",
        title="Superposition and interference",
        topic="waves",
        keywords=(
            "superposition of waves",
            "interference",
            "constructive interference",
            "destructive interference",
            "path difference",
            "noise cancelling",
        ),
        explanation=r"""
            The **principle of superposition**: where two or more waves overlap, the total
            displacement is the sum of the individual displacements. Waves pass through each
            other unchanged, but where they overlap they **interfere**. If they arrive in phase,
            crest on crest, the amplitudes add: **constructive interference**. If they arrive half
            a cycle out of phase, crest on trough, they cancel: **destructive interference**. For
            two sources oscillating in step, the path difference decides which:

            $$\Delta = n\lambda \ \text{(constructive)}, \qquad
            \Delta = \left(n + \frac{1}{2}\right)\lambda \ \text{(destructive)},$$

            with $n = 0, 1, 2, \ldots$. A steady pattern needs **coherent** sources, with the same
            frequency and a fixed phase difference. Energy is not destroyed at the quiet or dark
            spots; it is redistributed to the loud or bright ones.
        """,
        example=r"""
            Two speakers play the same $680\,\mathrm{Hz}$ tone in step, so
            $\lambda = 340/680 = 0.50\,\mathrm{m}$. You stand $4.0\,\mathrm{m}$ from one speaker
            and $4.25\,\mathrm{m}$ from the other. The path difference is

            $$\Delta = 0.25\,\mathrm{m} = \frac{1}{2}\lambda,$$

            so the waves cancel and the sound is much quieter there. Move to a point where
            $\Delta = 0.50\,\mathrm{m}$ and it is loud again. Noise-cancelling headphones use the
            same effect deliberately: a microphone picks up incoming noise and the speaker plays
            an inverted copy, half a cycle out of phase, to cancel it.
        """,
        simpler=r"""
            Drop two pebbles in a pond and watch the ripples meet. Where a bump meets a bump,
            you get a bigger bump. Where a bump meets a dip, they cancel and the water stays
            flat. That adding and cancelling is interference. Noise-cancelling headphones use it:
            they make an "opposite" sound that cancels the noise around you.
        """,
        alternative=r"""
            Around 1801 Thomas Young passed light through two narrow openings and saw a row of
            bright and dark bands on a screen. Light added to light could make darkness,
            something a stream of particles could not explain, and the wave theory of light took
            hold. Phasors give a neat geometric picture: draw each wave as a rotating arrow whose
            length is its amplitude. To combine waves, place the arrows tip to tail. Arrows
            pointing the same way make a long resultant; opposite arrows make none. Anti-glare
            coatings on spectacles are designed so that light reflected from the coating's two
            faces combines as opposite arrows.
        """,
    ),
    ConceptSpec(
        slug="standing-waves",
        title="Standing waves",
        topic="waves",
        keywords=(
            "standing waves",
            "stationary waves",
            "nodes and antinodes",
            "harmonics",
            "fundamental frequency",
            "organ pipe",
        ),
        explanation=r"""
            A **standing wave** forms when two identical waves travelling in opposite directions
            superpose, usually a wave and its reflection. The pattern does not travel: points
            called **nodes** never move, and **antinodes**, midway between them, oscillate with
            maximum amplitude. Adjacent nodes are half a wavelength apart. On a string fixed at
            both ends, both ends must be nodes, so only certain wavelengths fit:

            $$L = n\frac{\lambda}{2} \quad\Rightarrow\quad f_n = \frac{nv}{2L}, \qquad
            n = 1, 2, 3, \ldots$$

            The lowest, $f_1 = v/2L$, is the **fundamental**; the others are **harmonics**. A pipe
            open at both ends has the same series; a pipe closed at one end has only odd
            harmonics, $f_n = nv/4L$ with $n = 1, 3, 5, \ldots$. Standing waves set the pitch of
            every string and wind instrument.
        """,
        example=r"""
            A guitar string $0.65\,\mathrm{m}$ long carries waves at $429\,\mathrm{m/s}$. Its
            fundamental is

            $$f_1 = \frac{v}{2L} = \frac{429}{2(0.65)} \approx 330\,\mathrm{Hz},$$

            the note E4. Touch the string lightly at its midpoint and you force a node there: the
            fundamental dies and the second harmonic, $660\,\mathrm{Hz}$, an octave higher, rings
            out. Pressing the string against a fret shortens $L$ and raises the pitch. Tightening
            the tuning peg raises the tension, which increases $v = \sqrt{T/\mu}$ and every
            frequency with it.
        """,
        simpler=r"""
            Tie one end of a skipping rope to a post and shake the other end at just the right
            speed. Instead of waves running along, the rope makes fixed loops that bob up and
            down, with some points that stay completely still. That's a standing wave. Guitar
            strings do this when plucked, and the size of the loops sets the note you hear.
        """,
        alternative=r"""
            In 1787 Ernst Chladni scattered sand on a metal plate and bowed its edge with a
            violin bow. The plate sang, and the sand jumped away from the vibrating regions and
            collected along the lines that stayed still, drawing intricate symmetrical figures:
            two-dimensional maps of nodes. Napoleon later funded a prize for explaining them,
            which Sophie Germain won in 1816. Microwave ovens have the same physics: the standing
            wave inside leaves cold spots at its nodes, which is why food sits on a turntable.
            Remove the turntable and melt a layer of chocolate: the melted spots sit about
            $6\,\mathrm{cm}$ apart, half the wavelength.
        """,
    ),
    ConceptSpec(
        slug="doppler-effect",
        title="Doppler effect",
        topic="waves",
        keywords=(
            "doppler effect",
            "doppler shift",
            "siren pitch change",
            "moving source frequency",
            "redshift",
            "blueshift",
        ),
        explanation=r"""
            The **Doppler effect** is the change in observed frequency when a source and an
            observer move relative to each other. When they approach, crests arrive more often
            and the frequency rises; when they separate, it falls. For sound in still air with
            wave speed $v$, source speed $v_s$ and observer speed $v_o$ (each counted positive
            toward the other),

            $$f' = f\,\frac{v + v_o}{v - v_s}.$$

            The source's own frequency does not change. What changes is the spacing of crests in
            the air (for a moving source) or the rate at which you meet them (for a moving
            observer). For light, which needs no medium, only the relative speed matters; for
            speeds much less than $c$, $\Delta f/f \approx v/c$. Light from receding galaxies is
            shifted to lower frequencies: **redshift**.
        """,
        example=r"""
            An ambulance siren sounds at $500\,\mathrm{Hz}$ and approaches you at
            $20\,\mathrm{m/s}$; the speed of sound is $340\,\mathrm{m/s}$. You hear

            $$f' = 500 \times \frac{340}{340 - 20} \approx 531\,\mathrm{Hz}.$$

            As it moves away, $f' = 500 \times 340/(340 + 20) \approx 472\,\mathrm{Hz}$. That
            sudden drop of about $60\,\mathrm{Hz}$ as it passes is the familiar "neee-owww".
            Police radar uses the same physics: a $24\,\mathrm{GHz}$ beam reflected from a car at
            $30\,\mathrm{m/s}$ returns shifted by $2fv/c = 4.8\,\mathrm{kHz}$.
        """,
        simpler=r"""
            When an ambulance drives towards you, its siren sounds higher; as it passes and
            drives away, the sound drops lower. The siren itself doesn't change. Moving towards
            you, it squashes its sound waves closer together, so they reach you more often.
            Driving away, it stretches them out. That's the Doppler effect.
        """,
        alternative=r"""
            Christian Doppler predicted the effect in 1842, for starlight. Buys Ballot tested it
            with sound in 1845 in the Netherlands, putting horn players on an open railway
            carriage pulled past musicians with perfect pitch, who heard the note change as it
            passed. A helpful picture is a bug paddling in a pond. If it swims, its circular
            ripples bunch up ahead and spread out behind, each centred where the bug was when it
            made it. Today the effect measures speeds everywhere: ultrasound scans track blood
            flowing through the heart, weather radar sees winds inside storms, and astronomers
            found the universe expanding.
        """,
    ),
    ConceptSpec(
        slug="sound-intensity-decibels",
        title="Sound intensity and decibels",
        topic="waves",
        keywords=(
            "decibels",
            "sound intensity",
            "loudness",
            "sound level dB",
            "intensity level",
            "inverse square law for sound",
        ),
        explanation=r"""
            **Sound intensity** $I$ is the power carried per unit area, in $\mathrm{W/m^2}$. For
            a point source of power $P$ spreading equally in all directions, the power is spread
            over a sphere:

            $$I = \frac{P}{4\pi r^2},$$

            so doubling the distance quarters the intensity. Human hearing spans an enormous
            range, from $10^{-12}\,\mathrm{W/m^2}$ (the threshold of hearing) to about
            $1\,\mathrm{W/m^2}$ (pain), so a logarithmic scale is used. The **sound level** in
            decibels is

            $$L = 10\log_{10}\frac{I}{I_0}, \qquad I_0 = 10^{-12}\,\mathrm{W/m^2}.$$

            Every tenfold increase in intensity adds $10\,\mathrm{dB}$; doubling adds about
            $3\,\mathrm{dB}$. Perceived loudness roughly doubles for each $10\,\mathrm{dB}$. Long
            exposure above about $85\,\mathrm{dB}$ damages hearing.
        """,
        example=r"""
            A quiet conversation measures $60\,\mathrm{dB}$, so its intensity is
            $I = 10^{-12} \times 10^{6} = 10^{-6}\,\mathrm{W/m^2}$. If the intensity rises by a
            factor of $100$, the level rises by

            $$\Delta L = 10\log_{10}100 = 20\,\mathrm{dB},$$

            to $80\,\mathrm{dB}$, as loud as a busy street. Two identical lawnmowers at
            $90\,\mathrm{dB}$ each do not make $180\,\mathrm{dB}$: the intensity doubles, giving
            about $93\,\mathrm{dB}$. Moving from $1\,\mathrm{m}$ to $10\,\mathrm{m}$ from a small
            speaker cuts the intensity a hundredfold, a drop of $20\,\mathrm{dB}$.
        """,
        simpler=r"""
            Our ears can hear a pin drop and a jet engine, which differ in strength by millions
            of millions of times. To handle such a huge range, we measure sound in decibels. Each
            step of 10 decibels means ten times more sound energy. A whisper is about 30
            decibels, talking about 60, and a rock concert over 100, loud enough to damage your
            ears.
        """,
        alternative=r"""
            The decibel is a tenth of a "bel", named after Alexander Graham Bell by telephone
            engineers in the 1920s, who needed a way to describe how signals faded along cables.
            Counting in logarithms turns multiplication into addition: an amplifier stage that
            multiplies power by $100$ and a cable that divides it by $10$ simply combine as
            $+20$ and $-10\,\mathrm{dB}$. Our senses happen to work roughly logarithmically too,
            as Weber and Fechner found in the nineteenth century: we notice ratios of intensity
            rather than differences. Astronomers' star magnitudes and chemists' pH scale use the
            same trick for the same reason.
        """,
    ),
    ConceptSpec(
        slug="resonance",
        title="Resonance",
        topic="waves",
        keywords=(
            "resonance",
            "natural frequency",
            "driven oscillation",
            "resonant frequency",
            "damping",
            "forced vibration",
        ),
        explanation=r"""
            Every object that can oscillate has one or more **natural frequencies**, at which it
            vibrates when disturbed and left alone. If a periodic driving force pushes it at a
            frequency close to a natural frequency, each push adds energy in step with the
            motion, and the amplitude grows large: this is **resonance**. For a mass on a spring
            the natural frequency is

            $$f_0 = \frac{1}{2\pi}\sqrt{\frac{k}{m}}.$$

            How large the amplitude gets depends on **damping**, the loss of energy to friction
            or air. Light damping gives a tall, narrow resonance peak; heavy damping gives a low,
            broad one. Resonance is useful in musical instruments, radio tuning and MRI, and
            dangerous in bridges, buildings and machinery, which engineers design with damping or
            with natural frequencies far from any expected driving frequency.
        """,
        example=r"""
            A child on a swing $2.5\,\mathrm{m}$ long has a natural period of
            $T = 2\pi\sqrt{2.5/9.81} \approx 3.2\,\mathrm{s}$. Pushing once per swing, every
            $3.2\,\mathrm{s}$, builds a big arc from small shoves; pushing every $2\,\mathrm{s}$
            fights the motion half the time and achieves little. In 2000 London's Millennium
            Bridge swayed on its opening day: its sideways natural frequency, about
            $1\,\mathrm{Hz}$, was close to the sideways rhythm of walking, and pedestrians fell
            into step with the sway, reinforcing it. The bridge closed for almost two years while
            dampers were fitted.
        """,
        simpler=r"""
            Pushing a friend on a swing, you quickly learn to time your pushes with the swing.
            Push at just the right moment each time, and even small pushes make the swing go
            really high. That's resonance: pushing something at the rhythm it naturally wants to
            move at. A singer can use it to make a wine glass shake hard enough to shatter.
        """,
        alternative=r"""
            Tuning a radio is resonance put to work. The aerial picks up thousands of stations at
            once, but the receiver's circuit has a natural frequency set by a coil and a
            capacitor. Turning the dial changes that frequency, and the circuit responds strongly
            only to the station that matches it, ignoring the rest. Seen this way, resonance is a
            filter: a system that listens selectively. The same selectivity lets your inner ear
            separate pitches: its basilar membrane varies in stiffness along its length, so each
            region responds to a different frequency. Hermann von Helmholtz proposed this in
            1863, after picking single tones out of complex sounds with glass resonators.
        """,
    ),
)
