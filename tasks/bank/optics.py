"""Optics: reflection, refraction, lenses, interference, diffraction and polarisation."""

from math import radians

from tasks.bank.spec import OptionSpec, QuestionSpec, TopicSpec, md

TOPIC = TopicSpec(
    slug="optics",
    name="Optics",
    description=(
        "Refraction and total internal reflection, thin lenses, interference in slits and thin "
        "films, diffraction gratings, resolution and polarisation."
    ),
)

QUESTIONS: tuple[QuestionSpec, ...] = (
    # --- easy -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="optics-refraction-angle-into-water",
        topic="optics",
        difficulty="easy",
        title="Light entering water",
        statement=md(r"""
            A ray of light passes from air ($n_1 = 1.00$) into water ($n_2 = 1.33$) with an angle of
            incidence of $\theta_1 = 40^\circ$ to the normal. What is the angle of refraction
            (in degrees)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Snell's law, $n_1 \sin\theta_1 = n_2 \sin\theta_2$:
            $$\sin\theta_2 = \frac{1.00 \cdot \sin 40^\circ}{1.33} = \frac{0.643}{1.33} = 0.483$$
            $$\theta_2 = \arcsin(0.483) = 28.9^\circ$$
            The ray bends towards the normal on entering the denser medium.

            **Answer:** $\theta_2 \approx 28.9^\circ$.
        """),
        concept="Snell's law of refraction",
        params={"n1": 1.00, "n2": 1.33, "theta1": radians(40.0)},
        answer=28.90,
        unit="°",
        tolerance=0.01,
    ),
    QuestionSpec(
        slug="optics-speed-of-light-in-glass",
        topic="optics",
        difficulty="easy",
        title="Speed of light in glass",
        statement=md(r"""
            Crown glass has refractive index $n = 1.50$. How fast does light travel in it
            (in m/s)? Use $c = 3.00 \times 10^8\,\mathrm{m/s}$.
        """),
        answer_kind="numeric",
        solution=md(r"""
            The refractive index is the ratio of the speed of light in vacuum to that in the
            medium, $n = c/v$:
            $$v = \frac{c}{n} = \frac{3.00 \times 10^8}{1.50} = 2.00 \times 10^8\,\mathrm{m/s}$$

            **Answer:** $v = 2.00 \times 10^8\,\mathrm{m/s}$.
        """),
        concept="refractive index",
        params={"n": 1.50, "c": 3.00e8},
        answer=2.00e8,
        unit="m/s",
    ),
    QuestionSpec(
        slug="optics-power-of-reading-glasses",
        topic="optics",
        difficulty="easy",
        title="Power of reading glasses",
        statement=md(r"""
            The lenses of a pair of reading glasses are converging with focal length
            $f = 40\,\mathrm{cm}$. What is their optical power (in dioptres, D)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The power is the reciprocal of the focal length **in metres**:
            $$P = \frac{1}{f} = \frac{1}{0.40\,\mathrm{m}} = 2.5\,\mathrm{D}$$

            **Answer:** $P = +2.5\,\mathrm{D}$.
        """),
        concept="optical power of a lens",
        params={"f": 0.40},
        answer=2.5,
        unit="D",
    ),
    QuestionSpec(
        slug="optics-critical-angle-glass-air",
        topic="optics",
        difficulty="easy",
        title="Critical angle of glass",
        statement=md(r"""
            Light travels inside glass of refractive index $n = 1.52$ towards a glass–air surface
            ($n_{\mathrm{air}} = 1.00$). Above which angle of incidence is it totally internally
            reflected (in degrees)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            At the critical angle the refracted ray grazes the surface ($\theta_2 = 90^\circ$):
            $$n \sin\theta_c = 1.00 \quad\Rightarrow\quad \theta_c = \arcsin\frac{1}{1.52} =
            41.1^\circ$$

            **Answer:** $\theta_c \approx 41.1^\circ$.
        """),
        concept="total internal reflection",
        params={"n": 1.52, "n_air": 1.00},
        answer=41.14,
        unit="°",
        tolerance=0.01,
    ),
    QuestionSpec(
        slug="optics-plane-mirror-image-distance-choice",
        topic="optics",
        difficulty="easy",
        title="How far away is your reflection?",
        statement=md(r"""
            You stand $d = 2.0\,\mathrm{m}$ in front of a flat wall mirror. How far from you is
            your image?
        """),
        answer_kind="choice",
        solution=md(r"""
            A plane mirror forms a virtual image as far **behind** the mirror as the object is in
            front of it: $2.0\,\mathrm{m}$ behind the glass. Your distance to it is
            $$2.0 + 2.0 = 4.0\,\mathrm{m}$$
            $2.0\,\mathrm{m}$ is the image's distance from the mirror, not from you.

            **Answer:** $4.0\,\mathrm{m}$.
        """),
        concept="image in a plane mirror",
        options=(
            OptionSpec("a", r"$2.0\,\mathrm{m}$"),
            OptionSpec("b", r"$4.0\,\mathrm{m}$"),
            OptionSpec("c", r"$1.0\,\mathrm{m}$"),
            OptionSpec("d", "No distance: the image is on the mirror's surface"),
        ),
        correct_option="b",
    ),
    # --- medium ---------------------------------------------------------------------------------
    QuestionSpec(
        slug="optics-thin-lens-image-distance",
        topic="optics",
        difficulty="medium",
        title="Image formed by a converging lens",
        statement=md(r"""
            An object stands $d_o = 30\,\mathrm{cm}$ in front of a converging lens of focal length
            $f = 10\,\mathrm{cm}$. Where is the image (distance from the lens, in cm), and is it
            real?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Thin-lens equation:
            $$\frac{1}{d_i} = \frac{1}{f} - \frac{1}{d_o} = \frac{1}{10} - \frac{1}{30} =
            \frac{2}{30}$$
            $$d_i = 15\,\mathrm{cm}$$
            Positive, so the image is real, on the far side of the lens. Magnification
            $m = -d_i/d_o = -0.5$: inverted and half size.

            **Answer:** $d_i = 15\,\mathrm{cm}$ (real, inverted).
        """),
        concept="thin-lens equation",
        params={"do": 0.30, "f": 0.10},
        answer=15.0,
        unit="cm",
    ),
    QuestionSpec(
        slug="optics-double-slit-fringe-spacing",
        topic="optics",
        difficulty="medium",
        title="Fringe spacing in Young's experiment",
        statement=md(r"""
            Light from a helium-neon laser ($\lambda = 633\,\mathrm{nm}$) passes through two slits
            $d = 0.25\,\mathrm{mm}$ apart. The screen is $L = 2.0\,\mathrm{m}$ away. What is the
            spacing between neighbouring bright fringes (in mm)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Bright fringes satisfy $d \sin\theta = m\lambda$. For small angles
            $\sin\theta \approx \tan\theta = y/L$, so $y_m = m\lambda L/d$ and the spacing is
            $$\Delta y = \frac{\lambda L}{d} = \frac{633 \times 10^{-9} \cdot 2.0}{0.25 \times
            10^{-3}} = 5.06 \times 10^{-3}\,\mathrm{m}$$

            **Answer:** $\Delta y \approx 5.06\,\mathrm{mm}$.
        """),
        concept="double-slit interference",
        params={"lam": 633e-9, "d": 0.25e-3, "L": 2.0},
        answer=5.064,
        unit="mm",
    ),
    QuestionSpec(
        slug="optics-diffraction-grating-first-order-angle",
        topic="optics",
        difficulty="medium",
        title="Green laser through a grating",
        statement=md(r"""
            A green laser ($\lambda = 532\,\mathrm{nm}$) shines on a diffraction grating with
            $N = 600$ lines per millimetre. At what angle is the first-order maximum (in degrees)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The line spacing is
            $$d = \frac{1}{600\,\mathrm{mm^{-1}}} = 1.667 \times 10^{-6}\,\mathrm{m}$$
            Grating equation, $d \sin\theta = m\lambda$ with $m = 1$:
            $$\sin\theta = \frac{\lambda}{d} = 532 \times 10^{-9} \cdot 6.00 \times 10^5 = 0.319$$
            $$\theta = 18.6^\circ$$

            **Answer:** $\theta \approx 18.6^\circ$.
        """),
        concept="diffraction grating",
        params={"lam": 532e-9, "N": 600e3},
        answer=18.61,
        unit="°",
        tolerance=0.01,
    ),
    QuestionSpec(
        slug="optics-two-polarisers-transmitted-intensity",
        topic="optics",
        difficulty="medium",
        title="Light through two polarisers",
        statement=md(r"""
            Unpolarised light of intensity $I_0 = 800\,\mathrm{W/m^2}$ passes through two ideal
            polarisers whose transmission axes are at $\theta = 60^\circ$ to each other. What
            intensity emerges (in W/m²)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            The first polariser passes half of unpolarised light:
            $$I_1 = \frac{I_0}{2} = 400\,\mathrm{W/m^2}$$
            The second obeys Malus's law:
            $$I_2 = I_1 \cos^2\theta = 400 \cdot \cos^2 60^\circ = 400 \cdot 0.25 =
            100\,\mathrm{W/m^2}$$

            **Answer:** $I_2 = 100\,\mathrm{W/m^2}$.
        """),
        concept="polarisation, Malus's law",
        params={"I0": 800.0, "theta": radians(60.0)},
        answer=100.0,
        unit="W/m²",
    ),
    QuestionSpec(
        slug="optics-magnified-real-image-choice",
        topic="optics",
        difficulty="medium",
        title="A real, magnified image",
        statement=md(r"""
            A slide projector must form a **real, inverted, enlarged** image of the slide. Where
            must the slide be placed relative to a converging lens of focal length $f$?
        """),
        answer_kind="choice",
        solution=md(r"""
            From $\frac{1}{d_o} + \frac{1}{d_i} = \frac{1}{f}$ with magnification
            $|m| = d_i/d_o$: a real image ($d_i > 0$) needs $d_o > f$, and $|m| > 1$ needs
            $d_i > d_o$, which happens for $d_o < 2f$. So $f < d_o < 2f$.
            Beyond $2f$ the image is diminished (a camera); inside $f$ it is virtual and upright
            (a magnifying glass); a diverging lens only forms virtual images.

            **Answer:** between $f$ and $2f$ from the lens.
        """),
        concept="image formation by a converging lens",
        options=(
            OptionSpec("a", r"Farther than $2f$ from the lens"),
            OptionSpec("b", r"Closer than $f$ to the lens"),
            OptionSpec("c", r"Between $f$ and $2f$ from the lens"),
            OptionSpec("d", "Anywhere, provided a diverging lens is used instead"),
        ),
        correct_option="c",
    ),
    # --- hard -----------------------------------------------------------------------------------
    QuestionSpec(
        slug="optics-two-lens-system-magnification",
        topic="optics",
        difficulty="hard",
        title="Two-lens system",
        statement=md(r"""
            An object is $d_{o1} = 15\,\mathrm{cm}$ in front of a converging lens with
            $f_1 = 10\,\mathrm{cm}$. A second converging lens with $f_2 = 5.0\,\mathrm{cm}$ is
            placed
            $D = 40\,\mathrm{cm}$ behind the first. What is the total magnification of the final
            image (signed, dimensionless)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            **Lens 1:**
            $$\frac{1}{d_{i1}} = \frac{1}{10} - \frac{1}{15} \quad\Rightarrow\quad d_{i1} =
            30\,\mathrm{cm}, \qquad m_1 = -\frac{30}{15} = -2.0$$
            **Lens 2:** that image is the object for lens 2, at
            $d_{o2} = 40 - 30 = 10\,\mathrm{cm}$:
            $$\frac{1}{d_{i2}} = \frac{1}{5.0} - \frac{1}{10} \quad\Rightarrow\quad d_{i2} =
            10\,\mathrm{cm}, \qquad m_2 = -\frac{10}{10} = -1.0$$
            **Total:** magnifications multiply:
            $$m = m_1 m_2 = (-2.0)(-1.0) = +2.0$$
            The final image is real, upright (inverted twice) and twice the object's size.

            **Answer:** $m = +2.0$.
        """),
        concept="lens combinations",
        params={"do1": 0.15, "f1": 0.10, "f2": 0.050, "D": 0.40},
        answer=2.0,
        unit="",
    ),
    QuestionSpec(
        slug="optics-soap-film-minimum-thickness",
        topic="optics",
        difficulty="hard",
        title="Thinnest soap film that looks green",
        statement=md(r"""
            A soap film ($n = 1.33$) surrounded by air is seen in reflected white light. What is the
            smallest film thickness that gives strongest reflection of green light with
            $\lambda = 550\,\mathrm{nm}$ (in nm)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Reflection at the front surface (air → soap) has a half-wave phase shift; reflection at
            the back (soap → air) does not. The extra path through the film is $2t$, which holds
            $2nt/\lambda$ wavelengths. With one half-wave shift, constructive interference needs
            $$2 n t = \left(m + \frac{1}{2}\right)\lambda, \quad m = 0, 1, 2, \dots$$
            The thinnest film is $m = 0$:
            $$t = \frac{\lambda}{4n} = \frac{550}{4 \cdot 1.33} = 103\,\mathrm{nm}$$

            **Answer:** $t \approx 103\,\mathrm{nm}$.
        """),
        concept="thin-film interference",
        params={"n": 1.33, "lam": 550e-9},
        answer=103.4,
        unit="nm",
    ),
    QuestionSpec(
        slug="optics-optical-fibre-acceptance-angle",
        topic="optics",
        difficulty="hard",
        title="Acceptance angle of an optical fibre",
        statement=md(r"""
            An optical fibre has a core of index $n_1 = 1.48$ and cladding of index $n_2 = 1.46$.
            Light enters the flat end from air ($n_0 = 1.00$). What is the largest angle to the
            fibre axis at which it can enter and still be guided by total internal reflection
            (in degrees)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            At the core–cladding wall, total reflection needs an angle of incidence of at least
            $\theta_c$ with $\sin\theta_c = n_2/n_1$. Inside the core, the ray's angle to the axis
            is then at most $\varphi = 90^\circ - \theta_c$, so
            $\sin\varphi = \cos\theta_c = \sqrt{1 - (n_2/n_1)^2}$.

            Refraction at the entrance face, $n_0 \sin\alpha = n_1 \sin\varphi$:
            $$\sin\alpha_{\max} = \frac{\sqrt{n_1^2 - n_2^2}}{n_0} = \sqrt{1.48^2 - 1.46^2} =
            \sqrt{0.0588} = 0.2425$$
            $$\alpha_{\max} = 14.0^\circ$$
            ($\sin\alpha_{\max}$ is the fibre's numerical aperture.)

            **Answer:** $\alpha_{\max} \approx 14.0^\circ$.
        """),
        concept="total internal reflection in an optical fibre",
        params={"n1": 1.48, "n2": 1.46, "n0": 1.00},
        answer=14.03,
        unit="°",
        tolerance=0.01,
    ),
    QuestionSpec(
        slug="optics-thin-lens-equation-derivation",
        topic="optics",
        difficulty="hard",
        title="Deriving the thin-lens equation",
        statement=md(r"""
            Using a ray diagram for a converging thin lens (focal length $f$, object distance
            $d_o$, image distance $d_i$, object height $h_o$, image height $h_i$) and similar
            triangles, derive
            $$\frac{1}{d_o} + \frac{1}{d_i} = \frac{1}{f}$$
            and the magnification $m = -d_i/d_o$.
        """),
        answer_kind="self",
        solution=md(r"""
            Use two rays from the top of the object.

            **Ray through the centre** (undeviated): the triangles on either side of the lens are
            similar, so
            $$\frac{h_i}{h_o} = \frac{d_i}{d_o}$$
            **Ray parallel to the axis**, refracted through the far focal point: the triangle
            formed by the lens (height $h_o$) and the focal point is similar to the one formed by
            the focal point and the image (height $h_i$, distance $d_i - f$ beyond the focus):
            $$\frac{h_i}{h_o} = \frac{d_i - f}{f}$$
            Equate the two ratios:
            $$\frac{d_i}{d_o} = \frac{d_i}{f} - 1$$
            Divide by $d_i$:
            $$\frac{1}{d_o} = \frac{1}{f} - \frac{1}{d_i} \quad\Rightarrow\quad \frac{1}{d_o} +
            \frac{1}{d_i} = \frac{1}{f}$$
            The real image is inverted, so with signs $m = h_i/h_o = -d_i/d_o$.

            **Result:** $\frac{1}{d_o} + \frac{1}{d_i} = \frac{1}{f}$ and $m = -d_i/d_o$.
        """),
        concept="thin-lens equation from ray geometry",
    ),
    QuestionSpec(
        slug="optics-eye-resolving-car-headlights",
        topic="optics",
        difficulty="hard",
        title="When do two headlights look like one?",
        statement=md(r"""
            A car's headlights are $s = 1.4\,\mathrm{m}$ apart. At night the pupil of the eye has a
            diameter of $D = 3.0\,\mathrm{mm}$. Taking $\lambda = 550\,\mathrm{nm}$ and only
            diffraction into account, up to what distance can the eye resolve the two lights
            (in km)?
        """),
        answer_kind="numeric",
        solution=md(r"""
            Rayleigh criterion for a circular aperture:
            $$\theta_{\min} = 1.22\,\frac{\lambda}{D} = 1.22 \cdot \frac{550 \times 10^{-9}}{3.0
            \times 10^{-3}} = 2.24 \times 10^{-4}\,\mathrm{rad}$$
            The lights subtend the angle $s/L$ at distance $L$ (small angle). They are resolved
            while $s/L \ge \theta_{\min}$:
            $$L_{\max} = \frac{s}{\theta_{\min}} = \frac{1.4}{2.24 \times 10^{-4}} = 6.26 \times
            10^3\,\mathrm{m}$$
            (In practice the eye does worse than this diffraction limit.)

            **Answer:** $L_{\max} \approx 6.3\,\mathrm{km}$.
        """),
        concept="diffraction limit, Rayleigh criterion",
        params={"s": 1.4, "D": 3.0e-3, "lam": 550e-9},
        answer=6.259,
        unit="km",
    ),
)
