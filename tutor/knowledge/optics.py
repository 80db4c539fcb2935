"""Optics entries."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="reflection",
        title="Reflection and plane mirrors",
        topic="optics",
        keywords=(
            "reflection",
            "law of reflection",
            "plane mirror",
            "angle of incidence",
            "virtual image",
            "diffuse reflection",
        ),
        explanation=r"""
            When light bounces off a surface it obeys the **law of reflection**: the angle of
            reflection equals the angle of incidence,

            $$\theta_r = \theta_i,$$

            both measured from the **normal**, the line perpendicular to the surface, and the
            incident ray, reflected ray and normal lie in one plane. A smooth surface such as a
            mirror or still water gives **specular** reflection: parallel rays stay parallel, and
            you see an image. A rough surface like paper gives **diffuse** reflection: each tiny
            patch still obeys the law, but the normals point every which way, so light scatters
            in all directions. A plane mirror forms a **virtual** image: upright, the same size,
            and as far behind the mirror as the object is in front, with left and right
            apparently swapped.
        """,
        example=r"""
            You stand $2.0\,\mathrm{m}$ in front of a wall mirror. Your image appears
            $2.0\,\mathrm{m}$ behind the mirror, so it is $4.0\,\mathrm{m}$ from you. How tall
            must the mirror be to show your whole body, if you are $1.70\,\mathrm{m}$ tall? The
            ray from your feet to your eyes reflects at a point halfway up between them, and
            likewise for the top of your head, so

            $$h_{\text{mirror}} = \frac{1}{2} \times 1.70 = 0.85\,\mathrm{m},$$

            whatever your distance from it. Step back and you do not see more of yourself, a fact
            many people find surprising.
        """,
        simpler=r"""
            Light bounces off a mirror just like a ball bouncing off a wall: it leaves at the same
            angle it arrived. A smooth mirror bounces all the light neatly, so you see a clear
            picture. Rough things, like paper, bounce light every which way, so you can see the
            paper but not your reflection in it.
        """,
        alternative=r"""
            Around AD 60, Hero of Alexandria found a deeper reason for the law: of all paths from
            a point to a mirror and on to your eye, light takes the shortest. Reflect the eye's
            position in the mirror and the shortest route becomes a straight line, which
            automatically makes the angles equal. Fermat generalised this in 1662 into a
            principle of least time, which also explains refraction. Mirrors become precision
            tools with this geometry: a corner-cube reflector, three mirrors at right angles,
            sends light straight back where it came from. Apollo astronauts left arrays of them
            on the Moon, and lasers bounced off them still measure the Earth–Moon distance to
            millimetres.
        """,
    ),
    ConceptSpec(
        slug="refraction-snells-law",
        title="Refraction and Snell's law",
        topic="optics",
        keywords=(
            "refraction",
            "snell's law",
            "refractive index",
            "bending of light",
            "light slowing in glass",
            "dispersion",
            "bent straw in water",
        ),
        explanation=r"""
            **Refraction** is the bending of light as it crosses a boundary between two
            materials, because its speed changes. The **refractive index** of a material is
            $n = c/v$, the ratio of light's speed in vacuum to its speed in the material: about
            $1.00$ for air, $1.33$ for water and $1.5$ for glass. **Snell's law** gives the
            bending:

            $$n_1\sin\theta_1 = n_2\sin\theta_2,$$

            with angles measured from the normal. Entering a slower (optically denser) material,
            light bends **toward** the normal; leaving it, light bends away. The frequency stays
            the same, so the wavelength shrinks in the denser medium. Because $n$ varies slightly
            with colour, different colours bend by different amounts. This **dispersion** splits
            white light into a spectrum in a prism or a rainbow.
        """,
        example=r"""
            Light in air hits glass ($n = 1.50$) at $40^\circ$ to the normal. Snell's law gives

            $$\sin\theta_2 = \frac{1.00\sin 40^\circ}{1.50} = 0.429
            \quad\Rightarrow\quad \theta_2 \approx 25^\circ.$$

            Inside the glass, light travels at $c/1.50 = 2.0\times10^8\,\mathrm{m/s}$. A straw in
            water looks bent because light from the submerged part bends away from the normal as
            it leaves the water, and your brain traces the rays back in straight lines. For the
            same reason a pool looks shallower than it is, by a factor of about $1.33$ when seen
            from directly above.
        """,
        simpler=r"""
            Light travels slower in water and glass than in air. When it enters water at a
            slant, one side of the beam slows down first and the beam turns, like a shopping
            trolley veering when one wheel hits carpet. That bending is refraction. It's why a
            straw in a glass of water looks broken, and why swimming pools look shallower than
            they really are.
        """,
        alternative=r"""
            Imagine you are a lifeguard on a beach, and a swimmer is in trouble out to sea,
            further along the shore. You run faster than you swim. The straight line is not the
            quickest route; it is better to run further along the sand and swim a shorter
            distance. The fastest route bends at the water's edge, and the best bending angle
            obeys exactly Snell's law, with running and swimming speeds in place of refractive
            indices. Light does the same, following Fermat's principle of least time. Willebrord
            Snellius found the law by experiment in 1621, though the Persian scholar Ibn Sahl
            had written it down around 984.
        """,
    ),
    ConceptSpec(
        slug="total-internal-reflection",
        title="Total internal reflection",
        topic="optics",
        keywords=(
            "total internal reflection",
            "critical angle",
            "optical fibre",
            "fiber optics",
            "sin c = 1/n",
            "diamond sparkle",
        ),
        explanation=r"""
            When light travels from a denser medium into a less dense one, such as glass to air,
            it bends away from the normal. As the angle of incidence increases, the refracted ray
            swings toward the surface. At the **critical angle** $c$ the refracted ray skims along
            the boundary at $90^\circ$; beyond it, no light escapes and all of it is reflected
            back: **total internal reflection**. From Snell's law with $\theta_2 = 90^\circ$:

            $$\sin c = \frac{n_2}{n_1}, \qquad \text{or } \sin c = \frac{1}{n} \text{ into air}.$$

            Two conditions are needed: light must go from higher to lower refractive index, and
            the angle of incidence must exceed $c$. Unlike a metal mirror, the reflection is
            essentially 100 % efficient. Optical fibres, binocular prisms and the sparkle of
            diamonds all rely on it.
        """,
        example=r"""
            For glass with $n = 1.50$, the critical angle is

            $$c = \arcsin\frac{1}{1.50} \approx 41.8^\circ.$$

            So a $45^\circ$ prism turns light through $90^\circ$ with no silvering, as in
            binoculars. An optical fibre has a core with $n = 1.48$ inside cladding with
            $n = 1.46$; the critical angle there is $\arcsin(1.46/1.48) \approx 80.6^\circ$, so
            light travelling within about $9^\circ$ of the fibre's axis stays trapped. Pulses of
            infrared light carry internet traffic through such fibres for tens of kilometres
            between amplifiers. Diamond, with $n = 2.42$, has $c \approx 24^\circ$, so light
            entering a cut stone bounces around inside before escaping.
        """,
        simpler=r"""
            Shine a torch up from the bottom of a swimming pool. Aim it fairly straight up and
            the light escapes into the air. Tilt it more and more, and at some point the light
            can't get out at all: it bounces back down off the surface, as if the surface were a
            perfect mirror. That's total internal reflection. Optical fibres use it to trap light
            inside thin glass threads and carry internet signals.
        """,
        alternative=r"""
            Around 1841, Daniel Colladon in Geneva lit a stream of water pouring from a tank, and
            the light followed the curving jet as if trapped inside it. Such "light fountains"
            became stage spectacles, and the idea waited over a century for its big use. In 1966
            Charles Kao argued that glass fibres could carry telephone signals if impurities were
            removed; by 1970 ultra-pure fibres lost under 20 decibels per kilometre, and Kao
            received the Nobel Prize in 2009. Undersea fibres now carry almost all
            intercontinental data. A curious link: the faint evanescent wave just beyond the
            reflecting surface is the optical twin of quantum tunnelling.
        """,
    ),
    ConceptSpec(
        slug="thin-lenses",
        title="Thin lenses",
        topic="optics",
        keywords=(
            "lenses",
            "converging lens",
            "diverging lens",
            "focal length",
            "lens equation",
            "magnification",
            "real and virtual image",
        ),
        explanation=r"""
            A **lens** refracts light to form images. A **converging** (convex) lens brings
            parallel rays together at its **focal point**, a distance $f$ from the lens; a
            **diverging** (concave) lens spreads them as if from a focal point on the near side.
            For a thin lens, the object distance $u$, image distance $v$ and focal length are
            related by

            $$\frac{1}{f} = \frac{1}{u} + \frac{1}{v}, \qquad m = \frac{v}{u} = \frac{h_i}{h_o},$$

            in the real-is-positive convention: $f$ is positive for a converging lens, and a
            negative $v$ means a virtual image on the same side as the object. Some courses use
            a Cartesian convention with different signs. An object beyond $f$ gives a real,
            inverted image that can be projected onto a screen; an object inside $f$ gives a
            virtual, upright, magnified image, as in a magnifying glass. Lens power in dioptres is
            $P = 1/f$, with $f$ in metres.
        """,
        example=r"""
            An object stands $30\,\mathrm{cm}$ from a converging lens with $f = 10\,\mathrm{cm}$.
            The image distance is

            $$\frac{1}{v} = \frac{1}{10} - \frac{1}{30} = \frac{2}{30}
            \quad\Rightarrow\quad v = 15\,\mathrm{cm}.$$

            The image is real, on the far side of the lens, inverted and half size, since
            $m = 15/30 = 0.5$. Move the object to $5\,\mathrm{cm}$, inside the focal length:
            $1/v = 1/10 - 1/5 = -1/10$, so $v = -10\,\mathrm{cm}$. The image is virtual, upright
            and twice the size, which is how a magnifying glass works. A $+2.5$ dioptre reading
            lens has $f = 40\,\mathrm{cm}$.
        """,
        simpler=r"""
            A lens is a curved piece of glass that bends light. A magnifying glass bulges outward
            in the middle; it bends light rays towards each other, so it can focus sunlight to a
            tiny hot spot, or make small things look bigger when you hold it close. Your eye has a
            lens too: it focuses light onto the back of your eye to make a sharp picture.
        """,
        alternative=r"""
            Ray diagrams are the quickest way to see what a lens will do, using three easy rays
            from the top of the object. A ray parallel to the axis bends through the far focal
            point. A ray through the centre of the lens goes straight on. A ray through the near
            focal point leaves parallel to the axis. Where they cross is the image. Lenses
            transformed science around 1600: Dutch spectacle makers built the first telescopes,
            Galileo turned one on Jupiter in 1610 and found four moons, and Hooke and van
            Leeuwenhoek used microscopes to discover cells and bacteria. A camera and the human
            eye are the same device: a converging lens throwing a real, inverted image onto a
            sensor.
        """,
    ),
    ConceptSpec(
        slug="diffraction",
        title="Diffraction and gratings",
        topic="optics",
        keywords=(
            "diffraction",
            "single slit diffraction",
            "diffraction grating",
            "spreading of waves",
            "d sin theta = n lambda",
            "resolution limit",
        ),
        explanation=r"""
            **Diffraction** is the spreading of a wave as it passes through a gap or around an
            obstacle. It is strongest when the gap is about the same size as the wavelength:
            sound, with wavelengths near a metre, bends around doorways, while light, with
            wavelengths under a micrometre, seems to travel in straight lines. A single slit of
            width $a$ gives a bright central band with its first dark fringes at

            $$a\sin\theta = \lambda.$$

            A **diffraction grating**, with many slits a distance $d$ apart, gives sharp bright
            lines where light from all the slits arrives in step:

            $$d\sin\theta = n\lambda, \qquad n = 0, 1, 2, \ldots$$

            Gratings separate colours precisely and are used in spectrometers. Diffraction also
            limits the finest detail any lens or telescope can resolve, an angle of roughly
            $1.22\lambda/D$ for an aperture of diameter $D$.
        """,
        example=r"""
            Laser light of wavelength $633\,\mathrm{nm}$ falls on a grating with $600$ lines per
            millimetre, so $d = 1.67\times10^{-6}\,\mathrm{m}$. The first-order bright line is at

            $$\sin\theta = \frac{\lambda}{d} = \frac{633\times10^{-9}}{1.67\times10^{-6}}
            = 0.380 \quad\Rightarrow\quad \theta \approx 22^\circ.$$

            The highest order possible is $n = 2$, since $\sin\theta$ cannot exceed $1$. The
            colours on a CD come from the same effect: its tracks are $1.6\,\mu\mathrm{m}$ apart
            and act as a reflection grating, spreading white light into a rainbow.
        """,
        simpler=r"""
            Waves spread out when they squeeze through a gap. Sit near an open door and you can
            hear people talking in the next room even though you can't see them, because sound
            waves spread around the edges of the doorway. Light does it too, but only with tiny
            gaps, because its waves are so small. The rainbow colours on a CD come from light
            spreading out from its tiny tracks.
        """,
        alternative=r"""
            In 1818 Augustin Fresnel entered a prize competition with a wave theory of
            diffraction. Siméon Poisson, a judge who favoured particles, derived an
            absurd-seeming consequence: the shadow of a small round disc should have a bright
            spot at its very centre, where waves from the rim all arrive in step. François Arago
            did the experiment and found the spot, now called the Arago or Poisson spot, and it
            helped win the argument for waves. The same spreading explains why big telescopes
            see sharper: a wider mirror spreads the light less. X-ray diffraction from crystals,
            interpreted by the Braggs in 1913, later revealed the structure of DNA.
        """,
    ),
    ConceptSpec(
        slug="polarisation",
        title="Polarisation",
        topic="optics",
        keywords=(
            "polarisation",
            "polarization",
            "polarised light",
            "polaroid filter",
            "malus's law",
            "polarized sunglasses",
        ),
        explanation=r"""
            Light is a **transverse** wave: its electric field oscillates perpendicular to the
            direction of travel. In ordinary, unpolarised light, that oscillation direction
            changes randomly. **Polarised** light oscillates in a single plane. A polarising
            filter transmits only the component of the field along its axis, so unpolarised
            light loses half its intensity passing through one. For polarised light of intensity
            $I_0$ meeting a filter at angle $\theta$ to its polarisation, **Malus's law** gives

            $$I = I_0\cos^2\theta.$$

            Crossed filters, at $90^\circ$, block all the light. Light also becomes partly
            polarised when it reflects off water or glass, and completely polarised at Brewster's
            angle, where $\tan\theta_B = n$. Only transverse waves can be polarised, so
            polarisation proves light is transverse; sound, a longitudinal wave, cannot be.
        """,
        example=r"""
            Unpolarised light of intensity $800\,\mathrm{W/m^2}$ passes through a polariser, and
            $400\,\mathrm{W/m^2}$ gets through. A second filter at $60^\circ$ to the first passes

            $$I = 400\cos^2 60^\circ = 400 \times 0.25 = 100\,\mathrm{W/m^2}.$$

            Glare from a wet road or a lake is mostly horizontally polarised, because it comes
            from reflection. Polarised sunglasses have vertical transmission axes, so they block
            most of that glare while letting light from the scene through. Tilt your head while
            wearing them and looking at a phone screen: many LCD screens emit polarised light,
            and the screen darkens at some angles.
        """,
        simpler=r"""
            Light waves normally wiggle in every direction at once. A polarising filter is like a
            fence with thin vertical gaps: only the waves wiggling up and down get through. Glare
            bouncing off water mostly wiggles side to side, so polarised sunglasses, with their
            "vertical fence", block it. That's why they cut out shiny reflections from roads and
            lakes.
        """,
        alternative=r"""
            In 1669 Rasmus Bartholin looked through a clear crystal of Iceland spar and saw
            everything doubled. Rotate the crystal and one image stayed put while the other
            circled around it. In 1808 Étienne-Louis Malus looked through such a crystal at
            sunlight reflecting off the windows of the Luxembourg Palace in Paris. As he turned
            it, one of the two images faded away: the reflected light had become polarised.
            Nature uses this too. Bees and many birds see the polarisation pattern of the sky and
            navigate by it, even when the Sun is hidden. Engineers place stressed plastic models
            between polarisers to reveal strain as coloured fringes.
        """,
    ),
    ConceptSpec(
        slug="electromagnetic-spectrum",
        title="Light and the electromagnetic spectrum",
        topic="optics",
        keywords=(
            "electromagnetic spectrum",
            "electromagnetic waves",
            "radio microwave infrared visible ultraviolet",
            "x-rays and gamma rays",
            "wavelength of light",
            "speed of light",
        ),
        explanation=r"""
            Light is an **electromagnetic wave**: oscillating electric and magnetic fields,
            perpendicular to each other and to the direction of travel, which sustain each other
            and need no medium. In vacuum all electromagnetic waves travel at

            $$c = f\lambda = 3.00\times10^8\,\mathrm{m/s}.$$

            The **electromagnetic spectrum** orders them by wavelength, from long to short: radio
            waves, microwaves, infrared, visible light (about $400$ to $700\,\mathrm{nm}$, violet
            to red), ultraviolet, X-rays and gamma rays. They differ only in frequency and
            wavelength, yet interact with matter very differently. Each photon's energy rises
            with frequency, $E = hf$, so ultraviolet, X-rays and gamma rays can ionise atoms and
            damage living cells, while radio waves and visible light cannot. Each band has its
            uses: communication, cooking, thermal imaging, vision and medical imaging.
        """,
        example=r"""
            Wi-Fi at $2.4\,\mathrm{GHz}$ has
            $\lambda = c/f = (3.00\times10^8)/(2.4\times10^9) = 12.5\,\mathrm{cm}$. Green light
            has $\lambda = 530\,\mathrm{nm}$, so

            $$f = \frac{c}{\lambda} = \frac{3.00\times10^8}{530\times10^{-9}}
            \approx 5.7\times10^{14}\,\mathrm{Hz},$$

            about $240\,000$ times higher. Medical X-rays have wavelengths around
            $0.01\,\mathrm{nm}$, smaller than atoms. Your body, at about $310\,\mathrm{K}$, glows
            brightest in the infrared near $9\,\mu\mathrm{m}$, which is what thermal cameras see.
            All of these travel through space at the same speed.
        """,
        simpler=r"""
            Visible light is just one small part of a huge family of waves. Radio waves,
            microwaves, infrared, ultraviolet, X-rays and gamma rays are all the same kind of
            wave, with longer or shorter wavelengths. Our eyes only see a narrow slice, from red
            to violet. The short-wavelength kinds, like X-rays, carry enough energy to damage our
            cells.
        """,
        alternative=r"""
            In 1800 William Herschel split sunlight with a prism and placed thermometers beyond
            the red end, where nothing was visible. They warmed up the most: invisible
            "calorific rays", now called infrared. A year later Johann Ritter found ultraviolet
            beyond the violet end by its effect on silver chloride. Maxwell's equations of 1865
            predicted waves of electric and magnetic field travelling at exactly the measured
            speed of light, and Heinrich Hertz produced radio waves in his lab in 1887. Röntgen
            found X-rays in 1895. Piece by piece, one spectrum emerged: think of a keyboard over
            sixty octaves long, of which our eyes catch less than one.
        """,
    ),
)
