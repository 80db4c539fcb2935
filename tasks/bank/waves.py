"""Waves: oscillations, sound, standing waves, interference and the Doppler effect."""

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="waves",
    name="Waves",
    description=(
        "Simple harmonic motion, wave speed and wavelength, sound intensity, strings and pipes, "
        "beats, interference and the Doppler effect."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="waves-speed-of-sound-from-tuning-fork",
        topic="waves",
        difficulty="easy",
        title="Wave speed from frequency and wavelength",
        statement=md(r"""
            A tuning fork produces a sound of frequency $f = 440\,\mathrm{Hz}$ whose wavelength in
            the room is measured as $\lambda = 0.78\,\mathrm{m}$. What is the speed of sound
            (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$v = f \lambda = 440 \cdot 0.78 = 343\,\mathrm{m/s}$$

            **Answer:** $v \approx 343\,\mathrm{m/s}$.
        """),
        concept="wave equation v = fλ",
        params={"f": 440.0, "lam": 0.78},
        answer=343.2,
        unit="m/s",
    ),
    QuestionSpec(
        slug="waves-fm-radio-wavelength",
        topic="waves",
        difficulty="easy",
        title="Wavelength of an FM station",
        statement=md(r"""
            An FM radio station broadcasts at $f = 98.5\,\mathrm{MHz}$. Radio waves travel at
            $c = 3.00 \times 10^8\,\mathrm{m/s}$. What is the wavelength (in m)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$\lambda = \frac{c}{f} = \frac{3.00 \times 10^8}{98.5 \times 10^6} = 3.05\,\mathrm{m}$$

            **Answer:** $\lambda \approx 3.05\,\mathrm{m}$.
        """),
        concept="electromagnetic wave, v = fλ",
        params={"f": 98.5e6, "c": 3.00e8},
        answer=3.046,
        unit="m",
    ),
    QuestionSpec(
        slug="waves-mass-spring-period",
        topic="waves",
        difficulty="easy",
        title="Period of a mass on a spring",
        statement=md(r"""
            A mass $m = 0.25\,\mathrm{kg}$ oscillates on a spring with spring constant
            $k = 16\,\mathrm{N/m}$. What is the period of the oscillation (in s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$T = 2\pi \sqrt{\frac{m}{k}} = 2\pi \sqrt{\frac{0.25}{16}} = 2\pi \cdot 0.125 =
            0.785\,\mathrm{s}$$

            **Answer:** $T \approx 0.785\,\mathrm{s}$.
        """),
        concept="simple harmonic motion of a mass-spring system",
        params={"m": 0.25, "k": 16.0},
        answer=0.7854,
        unit="s",
    ),
    QuestionSpec(
        slug="waves-simple-pendulum-period",
        topic="waves",
        difficulty="easy",
        title="Period of a pendulum",
        statement=md(r"""
            A simple pendulum has length $L = 1.20\,\mathrm{m}$. What is its period for small
            swings (in s)? Use $g = 9.81\,\mathrm{m/s^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            $$T = 2\pi \sqrt{\frac{L}{g}} = 2\pi \sqrt{\frac{1.20}{9.81}} = 2.20\,\mathrm{s}$$
            The period does not depend on the mass or (for small swings) on the amplitude.

            **Answer:** $T \approx 2.20\,\mathrm{s}$.
        """),
        concept="simple pendulum",
        params={"L": 1.20, "g": 9.81},
        answer=2.198,
        unit="s",
    ),
    QuestionSpec(
        slug="waves-sound-entering-water-choice",
        topic="waves",
        difficulty="easy",
        title="Sound passing from air into water",
        statement=md(r"""
            A sound wave passes from air ($v \approx 343\,\mathrm{m/s}$) into water
            ($v \approx 1480\,\mathrm{m/s}$). Which quantity stays the same?
        """),
        answer_kind="choice",
        solution=md(r"""
            The frequency is set by the source: each wave crest arriving at the boundary makes one
            crest in the water. The speed changes with the medium, so by $\lambda = v/f$ the
            wavelength changes too (here it grows by a factor of about 4.3).

            **Answer:** the frequency.
        """),
        concept="frequency is fixed by the source",
        options=(
            OptionSpec("a", "The frequency"),
            OptionSpec("b", "The wavelength"),
            OptionSpec("c", "The speed"),
            OptionSpec("d", "Both the wavelength and the speed"),
        ),
        correct_option="a",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="waves-guitar-string-fundamental",
        topic="waves",
        difficulty="medium",
        title="Fundamental of a guitar string",
        statement=md(r"""
            A guitar string of vibrating length $L = 0.65\,\mathrm{m}$ and linear mass density
            $\mu = 1.2 \times 10^{-3}\,\mathrm{kg/m}$ is under tension $T = 70\,\mathrm{N}$. What is
            its
            fundamental frequency (in Hz)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Wave speed on the string:
            $$v = \sqrt{\frac{T}{\mu}} = \sqrt{\frac{70}{1.2 \times 10^{-3}}} = 242\,\mathrm{m/s}$$
            The fundamental has nodes at both ends, so $\lambda = 2L$:
            $$f_1 = \frac{v}{2L} = \frac{241.5}{1.30} = 186\,\mathrm{Hz}$$

            **Answer:** $f_1 \approx 186\,\mathrm{Hz}$.
        """),
        concept="standing waves on a string",
        params={"L": 0.65, "mu": 1.2e-3, "T": 70.0},
        answer=185.8,
        unit="Hz",
    ),
    QuestionSpec(
        slug="waves-doppler-approaching-siren",
        topic="waves",
        difficulty="medium",
        title="Approaching siren",
        statement=md(r"""
            An ambulance siren emits $f = 700\,\mathrm{Hz}$ while driving towards you at
            $v_s = 25\,\mathrm{m/s}$. You stand still; the speed of sound is
            $v = 343\,\mathrm{m/s}$.
            What frequency do you hear (in Hz)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            A moving source squeezes the wavelength in front of it to $\lambda' = (v - v_s)/f$.
            The observer receives these waves at speed $v$:
            $$f' = f\,\frac{v}{v - v_s} = 700 \cdot \frac{343}{318} = 755\,\mathrm{Hz}$$

            **Answer:** $f' \approx 755\,\mathrm{Hz}$.
        """),
        concept="Doppler effect, moving source",
        params={"f": 700.0, "vs": 25.0, "v": 343.0},
        answer=755.0,
        unit="Hz",
    ),
    QuestionSpec(
        slug="waves-closed-pipe-first-overtone",
        topic="waves",
        difficulty="medium",
        title="Overtone of a closed pipe",
        statement=md(r"""
            An organ pipe of length $L = 0.30\,\mathrm{m}$ is closed at one end. With the speed of
            sound $v = 343\,\mathrm{m/s}$, what is the frequency of its first overtone (the lowest
            frequency above the fundamental, in Hz)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            A closed pipe has a node at the closed end and an antinode at the open end, so
            $L = \lambda/4, 3\lambda/4, \dots$: only odd harmonics exist.
            $$f_1 = \frac{v}{4L} = \frac{343}{1.20} = 286\,\mathrm{Hz}$$
            The first overtone is the third harmonic:
            $$f_3 = 3 f_1 = 858\,\mathrm{Hz}$$
            ($2 f_1$ would be the answer for a pipe open at both ends.)

            **Answer:** $f_3 \approx 858\,\mathrm{Hz}$.
        """),
        concept="standing waves in a closed pipe",
        params={"L": 0.30, "v": 343.0},
        answer=857.5,
        unit="Hz",
    ),
    QuestionSpec(
        slug="waves-sound-level-from-point-source",
        topic="waves",
        difficulty="medium",
        title="Sound level near a loudspeaker",
        statement=md(r"""
            A small loudspeaker radiates $P = 0.10\,\mathrm{W}$ of sound evenly in all directions.
            What is the sound intensity level at $r = 5.0\,\mathrm{m}$ (in dB)? The reference
            intensity is $I_0 = 1.0 \times 10^{-12}\,\mathrm{W/m^2}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            The power spreads over a sphere of area $4\pi r^2$:
            $$I = \frac{P}{4\pi r^2} = \frac{0.10}{4\pi \cdot 25} = 3.18 \times
            10^{-4}\,\mathrm{W/m^2}$$
            Intensity level:
            $$L = 10 \log_{10}\frac{I}{I_0} = 10 \log_{10}(3.18 \times 10^{8}) = 85.0\,\mathrm{dB}$$

            **Answer:** $L \approx 85.0\,\mathrm{dB}$.
        """),
        concept="inverse-square law and decibels",
        params={"P": 0.10, "r": 5.0, "I0": 1.0e-12},
        answer=85.03,
        unit="dB",
        tolerance=0.005,
    ),
    QuestionSpec(
        slug="waves-quadrupled-string-tension-choice",
        topic="waves",
        difficulty="medium",
        title="Tightening a string",
        statement=md(r"""
            The tension in a guitar string is increased from $T$ to $4T$; its length and mass do
            not change. What happens to its fundamental frequency $f_1$?
        """),
        answer_kind="choice",
        solution=md(r"""
            $f_1 = \dfrac{v}{2L}$ and $v = \sqrt{T/\mu}$, so $f_1 \propto \sqrt{T}$.
            Multiplying $T$ by 4 multiplies $f_1$ by $\sqrt{4} = 2$: the note rises one octave.

            **Answer:** it doubles.
        """),
        concept="wave speed on a string depends on tension",
        options=(
            OptionSpec("a", "It quadruples"),
            OptionSpec("b", "It halves"),
            OptionSpec("c", "It doubles"),
            OptionSpec("d", "It does not change, since the length is the same"),
        ),
        correct_option="c",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="waves-tuning-string-with-beats",
        topic="waves",
        difficulty="hard",
        title="Tuning a string by beats",
        statement=md(r"""
            A string under tension $T = 80.0\,\mathrm{N}$ is sounded with a
            $f_0 = 440.0\,\mathrm{Hz}$ tuning fork and $f_b = 3.0$ beats per second are heard.
            Tightening the string slightly **reduces** the beat frequency. What tension puts the
            string exactly in tune (in N)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The beat frequency is the difference of the two frequencies, so the string is at
            $437\,\mathrm{Hz}$ or $443\,\mathrm{Hz}$. Tightening raises its pitch and brings it
            closer, so it must be below the fork:
            $$f = f_0 - f_b = 437.0\,\mathrm{Hz}$$
            For a string $f \propto \sqrt{T}$, so
            $$T' = T \left(\frac{f_0}{f}\right)^2 = 80.0 \cdot \left(\frac{440.0}{437.0}\right)^2 =
            81.1\,\mathrm{N}$$

            **Answer:** $T' \approx 81.1\,\mathrm{N}$.
        """),
        concept="beats and string tension",
        params={"T": 80.0, "f0": 440.0, "fb": 3.0},
        answer=81.10,
        unit="N",
        tolerance=0.005,
    ),
    QuestionSpec(
        slug="waves-doppler-pitch-drop-passing-ambulance",
        topic="waves",
        difficulty="hard",
        title="Pitch drop as an ambulance passes a cyclist",
        statement=md(r"""
            An ambulance with an $f = 800\,\mathrm{Hz}$ siren drives at $v_s = 30\,\mathrm{m/s}$.
            A cyclist rides at $v_o = 8.0\,\mathrm{m/s}$ in the opposite direction, towards it.
            The speed of sound is $v = 343\,\mathrm{m/s}$. By how much does the frequency the
            cyclist hears drop as they pass each other (in Hz)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            General Doppler formula, with signs chosen so that approach raises the frequency:
            $$f' = f\,\frac{v \pm v_o}{v \mp v_s}$$
            **Approaching:**
            $$f_1 = 800 \cdot \frac{343 + 8.0}{343 - 30} = 800 \cdot \frac{351}{313} =
            897\,\mathrm{Hz}$$
            **Receding:**
            $$f_2 = 800 \cdot \frac{343 - 8.0}{343 + 30} = 800 \cdot \frac{335}{373} =
            718\,\mathrm{Hz}$$
            Drop:
            $$\Delta f = f_1 - f_2 = 179\,\mathrm{Hz}$$

            **Answer:** $\Delta f \approx 179\,\mathrm{Hz}$.
        """),
        concept="Doppler effect, moving source and observer",
        params={"f": 800.0, "vs": 30.0, "vo": 8.0, "v": 343.0},
        answer=178.6,
        unit="Hz",
    ),
    QuestionSpec(
        slug="waves-standing-wave-derivation",
        topic="waves",
        difficulty="hard",
        title="Standing waves from two travelling waves",
        statement=md(r"""
            Two waves $y_1 = A \sin(kx - \omega t)$ and $y_2 = A \sin(kx + \omega t)$ travel in
            opposite directions on a string. Show that their sum is a standing wave, and find the
            positions of the nodes and the distance between neighbouring nodes.
        """),
        answer_kind="self",
        solution=md(r"""
            Use
            $\sin\alpha + \sin\beta = 2 \sin\frac{\alpha + \beta}{2} \cos\frac{\alpha - \beta}{2}$:
            $$y = y_1 + y_2 = 2A \sin(kx) \cos(\omega t)$$
            The shape $\sin(kx)$ does not move; every point oscillates in time with amplitude
            $2A|\sin(kx)|$. That is a standing wave.

            Nodes are where $\sin(kx) = 0$: $kx = n\pi$, so with $k = 2\pi/\lambda$
            $$x_n = \frac{n\lambda}{2}, \quad n = 0, 1, 2, \dots$$
            Neighbouring nodes are $\lambda/2$ apart, with antinodes halfway between.

            **Result:** $y = 2A\sin(kx)\cos(\omega t)$; nodes at $x = n\lambda/2$, spaced
            $\lambda/2$.
        """),
        concept="superposition and standing waves",
    ),
    QuestionSpec(
        slug="waves-shm-speed-at-displacement",
        topic="waves",
        difficulty="hard",
        title="Speed of an oscillator part-way through its swing",
        statement=md(r"""
            A mass $m = 0.40\,\mathrm{kg}$ on a spring of constant $k = 100\,\mathrm{N/m}$
            oscillates with amplitude $A = 5.0\,\mathrm{cm}$. How fast is it moving when its
            displacement is $x = 3.0\,\mathrm{cm}$ (in m/s)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Angular frequency:
            $$\omega = \sqrt{\frac{k}{m}} = \sqrt{\frac{100}{0.40}} = 15.8\,\mathrm{rad/s}$$
            Energy conservation, $\frac{1}{2} k A^2 = \frac{1}{2} k x^2 + \frac{1}{2} m v^2$, gives
            $$v = \omega \sqrt{A^2 - x^2} = 15.81 \cdot \sqrt{0.050^2 - 0.030^2} = 15.81 \cdot 0.040
            = 0.632\,\mathrm{m/s}$$

            **Answer:** $v \approx 0.632\,\mathrm{m/s}$.
        """),
        concept="energy in simple harmonic motion",
        params={"m": 0.40, "k": 100.0, "A": 0.050, "x": 0.030},
        answer=0.6325,
        unit="m/s",
    ),
    QuestionSpec(
        slug="waves-two-speaker-destructive-interference",
        topic="waves",
        difficulty="hard",
        title="Quiet spot between two loudspeakers",
        statement=md(r"""
            Two loudspeakers, driven in phase by the same signal, stand $d = 3.0\,\mathrm{m}$ apart.
            A listener stands $L = 4.0\,\mathrm{m}$ directly in front of one of them (on the
            perpendicular through it). With $v = 343\,\mathrm{m/s}$, what is the lowest frequency
            for which she hears destructive interference (in Hz)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Distances to the two speakers:
            $$r_1 = L = 4.0\,\mathrm{m}, \qquad r_2 = \sqrt{L^2 + d^2} = \sqrt{16 + 9.0} =
            5.0\,\mathrm{m}$$
            Path difference $\Delta r = 1.0\,\mathrm{m}$. Destructive interference needs
            $\Delta r = (n + \frac{1}{2})\lambda$; the lowest frequency is the longest wavelength,
            $n = 0$:
            $$\lambda = 2\Delta r = 2.0\,\mathrm{m}, \qquad f = \frac{v}{\lambda} = \frac{343}{2.0}
            = 172\,\mathrm{Hz}$$

            **Answer:** $f \approx 172\,\mathrm{Hz}$.
        """),
        concept="interference and path difference",
        params={"d": 3.0, "L": 4.0, "v": 343.0},
        answer=171.5,
        unit="Hz",
    ),
)
