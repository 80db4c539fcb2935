"""Electricity and magnetism entries."""

from __future__ import annotations

from tutor.knowledge.spec import ConceptSpec

CONCEPTS: tuple[ConceptSpec, ...] = (
    ConceptSpec(
        slug="coulombs-law",
        title="Coulomb's law",
        topic="electromagnetism",
        keywords=(
            "coulomb's law",
            "electrostatic force",
            "force between charges",
            "like charges repel",
            "point charges",
            "electric charge",
        ),
        explanation=r"""
            **Coulomb's law** gives the electric force between two point charges $q_1$ and $q_2$
            a distance $r$ apart:

            $$F = \frac{k q_1 q_2}{r^2}, \qquad k = \frac{1}{4\pi\varepsilon_0}
            \approx 8.99\times10^9\,\mathrm{N\,m^2/C^2}.$$

            The force acts along the line joining the charges: like charges repel, unlike
            charges attract. Like gravity it is an inverse-square law, so doubling the distance
            quarters the force, but it is enormously stronger and can attract or repel. Charge is
            measured in coulombs; an electron carries $-e = -1.60\times10^{-19}\,\mathrm{C}$.
            Charge is conserved and comes in whole multiples of $e$. With several charges, the
            force on each is the vector sum of the forces from all the others (superposition).
            Coulomb's law is what holds atoms, molecules and solids together.
        """,
        example=r"""
            Two small spheres each carry $+3.0\,\mu\mathrm{C}$ and sit $0.20\,\mathrm{m}$ apart.
            The repulsive force is

            $$F = \frac{(8.99\times10^9)(3.0\times10^{-6})^2}{(0.20)^2} \approx 2.0\,\mathrm{N}.$$

            Now compare electric and gravitational forces between the proton and electron in a
            hydrogen atom, $5.3\times10^{-11}\,\mathrm{m}$ apart: the electric attraction is
            about $8.2\times10^{-8}\,\mathrm{N}$, the gravitational one about
            $3.6\times10^{-47}\,\mathrm{N}$. Electricity wins by a factor of about $10^{39}$,
            which is why gravity plays no part inside atoms.
        """,
        simpler=r"""
            Electric charges come in two kinds, positive and negative. Same kinds push each other
            away; opposite kinds pull together. The closer they are, the stronger the push or
            pull. Rub a balloon on your hair and it picks up charge: then it can stick to a wall
            or make your hair stand up. That pull is the electric force.
        """,
        alternative=r"""
            In 1785 Charles-Augustin de Coulomb hung a light rod from a thin silver wire inside a
            glass cylinder. A charged ball on the rod was repelled by a second charged ball,
            twisting the wire, and the angle of twist measured the force. Halving the distance
            gave four times the twist. The same torsion-balance design later let Cavendish
            measure gravity. A field picture makes the inverse square natural: imagine the charge
            sending out a fixed number of field lines in all directions. At distance $r$ they
            spread over a sphere of area $4\pi r^2$, so their density, and the force on another
            charge, falls as $1/r^2$.
        """,
    ),
    ConceptSpec(
        slug="electric-field",
        title="Electric field",
        topic="electromagnetism",
        keywords=(
            "electric field",
            "field strength",
            "field lines",
            "E = F/q",
            "field of a point charge",
            "uniform field between plates",
        ),
        explanation=r"""
            An **electric field** is the region around a charge where another charge feels a
            force. Its strength at a point is the force per unit positive test charge placed
            there:

            $$\vec{E} = \frac{\vec{F}}{q}, \qquad \text{unit: } \mathrm{N/C} = \mathrm{V/m}.$$

            A positive charge feels a force along $\vec{E}$, a negative charge against it. Around
            a point charge $Q$, $E = kQ/r^2$, pointing away from positive charges and toward
            negative ones. Between two parallel plates with potential difference $V$ and
            separation $d$, the field is nearly uniform: $E = V/d$. **Field lines** show the
            field's direction; they start on positive charges, end on negative ones, never cross,
            and crowd together where the field is strong. The field idea lets us describe the
            force at a point without talking about the source charges directly.
        """,
        example=r"""
            Two parallel plates $2.0\,\mathrm{cm}$ apart are connected to a $500\,\mathrm{V}$
            supply. The field between them is

            $$E = \frac{V}{d} = \frac{500}{0.020} = 2.5\times10^4\,\mathrm{V/m}.$$

            An electron placed there feels
            $F = eE = (1.60\times10^{-19})(2.5\times10^4) = 4.0\times10^{-15}\,\mathrm{N}$ toward
            the positive plate, giving it an acceleration of about
            $4.4\times10^{15}\,\mathrm{m/s^2}$. Old cathode-ray televisions steered electron
            beams with fields like this. In air, fields above about
            $3\times10^6\,\mathrm{V/m}$ tear electrons off molecules and cause sparks, as in
            lightning.
        """,
        simpler=r"""
            Every electric charge is surrounded by an invisible zone of influence, called its
            electric field. Put another charge into that zone and it gets pushed or pulled, a bit
            like the pull you feel near a magnet, without touching. The field is strongest close
            to the charge and gets weaker further away.
        """,
        alternative=r"""
            Michael Faraday, who had little formal mathematics, pictured electric forces as lines
            of tension stretching through space, like invisible elastic bands. Grains of
            semolina floating on oil around charged objects line up and make those lines visible,
            much as iron filings reveal a magnet's pattern. Mathematicians of his day treated the
            lines as a drawing aid; Maxwell took them seriously in the 1860s and showed that
            fields store energy, carry momentum and can travel as waves: light. Today the field
            counts as real as the charges themselves. Move a charge and nothing far away notices
            instantly; the news spreads outward through the field at light speed.
        """,
    ),
    ConceptSpec(
        slug="electric-potential",
        title="Electric potential and voltage",
        topic="electromagnetism",
        keywords=(
            "electric potential",
            "voltage",
            "potential difference",
            "electron volt",
            "V = W/q",
            "equipotential",
        ),
        explanation=r"""
            **Electric potential** $V$ at a point is the electric potential energy per unit charge
            there, measured in volts ($1\,\mathrm{V} = 1\,\mathrm{J/C}$). What matters physically
            is the **potential difference**, or voltage, between two points: the work done per
            coulomb moving charge between them,

            $$\Delta V = \frac{W}{q}, \qquad W = q\Delta V.$$

            Positive charges naturally move from high to low potential, like balls rolling
            downhill; electrons go the other way. Around a point charge $Q$, $V = kQ/r$, a
            scalar, so contributions from several charges simply add. The field points downhill
            in potential, with $E = -dV/dx$; in a uniform field, $V = Ed$. Surfaces of equal
            potential, **equipotentials**, are perpendicular to field lines. An electron
            accelerated through $1\,\mathrm{V}$ gains $1\,\mathrm{eV} =
            1.60\times10^{-19}\,\mathrm{J}$.
        """,
        example=r"""
            A $9.0\,\mathrm{V}$ battery moves $2.0\,\mathrm{C}$ of charge through a circuit. The
            energy delivered is

            $$W = q\Delta V = 2.0 \times 9.0 = 18\,\mathrm{J}.$$

            An electron accelerated from rest through $2000\,\mathrm{V}$ in an electron gun gains
            $2000\,\mathrm{eV} = 3.2\times10^{-16}\,\mathrm{J}$ of kinetic energy, reaching
            $v = \sqrt{2E/m} \approx 2.7\times10^{7}\,\mathrm{m/s}$, about 9 % of the speed of
            light. A bird perched on a single high-voltage line is safe: both its feet are at the
            same potential, so no current flows through it.
        """,
        simpler=r"""
            Think of voltage as electrical "pressure" or "height". A battery lifts charges to a
            high level, like pumping water up a hill. When they flow back down through a circuit,
            they give out energy, lighting a bulb or spinning a motor. A bigger voltage means
            each charge gives out more energy on its way down.
        """,
        alternative=r"""
            Picture a contour map. Lines of equal height show where a walker needs no effort;
            crossing lines means climbing or descending, and the steepest path runs at right
            angles to them. Electric potential works exactly like this: equipotentials are the
            contours, and the electric field is the slope pointing downhill, strongest where the
            contours crowd together. The volt honours Alessandro Volta, whose pile of zinc and
            copper discs separated by brine-soaked cardboard, built in 1800, gave the first
            steady source of potential difference, ancestor of every battery. Line workers on
            live cables rely on the contour idea: no difference, no current.
        """,
    ),
    ConceptSpec(
        slug="capacitance",
        title="Capacitance",
        topic="electromagnetism",
        keywords=(
            "capacitor",
            "capacitance",
            "farad",
            "Q = CV",
            "energy stored in a capacitor",
            "RC time constant",
        ),
        explanation=r"""
            A **capacitor** stores separated charge, usually on two conducting plates with an
            insulator between them. The charge stored is proportional to the voltage across it:

            $$Q = CV,$$

            where $C$ is the **capacitance**, measured in farads. For parallel plates of area $A$
            and separation $d$, $C = \varepsilon_0\varepsilon_r A/d$: bigger plates, closer
            together, with a better insulator, store more. Charging takes work, which is stored
            as energy in the electric field between the plates:

            $$E = \frac{1}{2}QV = \frac{1}{2}CV^2.$$

            Through a resistor $R$, a capacitor charges and discharges exponentially with time
            constant $\tau = RC$. Capacitors smooth power supplies, store energy for camera
            flashes and defibrillators, and sense touch on phone screens.
        """,
        example=r"""
            A $100\,\mu\mathrm{F}$ capacitor charged to $9.0\,\mathrm{V}$ holds
            $Q = CV = 9.0\times10^{-4}\,\mathrm{C}$ and stores

            $$E = \frac{1}{2}CV^2 = \frac{1}{2}(100\times10^{-6})(9.0)^2
            \approx 4.1\times10^{-3}\,\mathrm{J}.$$

            That is small, but released quickly stored energy can be powerful. A defibrillator
            stores about $200\,\mathrm{J}$ in a capacitor of roughly $150\,\mu\mathrm{F}$, which
            needs $V = \sqrt{2E/C} \approx 1600\,\mathrm{V}$, and discharges it through the chest
            in a few milliseconds: a peak power of tens of kilowatts.
        """,
        simpler=r"""
            A capacitor is like a tiny, very fast rechargeable tank for electricity. It fills up
            with charge when connected to a battery and can dump it all out in a flash. A camera
            flash uses one: it slowly fills up, then empties in an instant to make a bright burst
            of light. Unlike a battery, it can't hold much, but it can let it all go at once.
        """,
        alternative=r"""
            The first capacitor was an accident. In 1745 Ewald von Kleist, and then Pieter van
            Musschenbroek in Leiden, tried to store electricity in a jar of water held in one
            hand while connecting it to a friction generator. Touching the wire with the other
            hand gave a violent shock: the "Leyden jar" had stored charge on the water inside and
            on the hand outside the glass. A good way to see capacitance is as a bucket whose
            width is $C$ and whose water depth is $V$: a wide bucket holds a lot of charge for
            little depth. Touchscreens work because your finger changes the capacitance of tiny
            electrodes beneath the glass.
        """,
    ),
    ConceptSpec(
        slug="ohms-law",
        title="Ohm's law and resistance",
        topic="electromagnetism",
        keywords=(
            "ohm's law",
            "resistance",
            "V = IR",
            "electric current",
            "resistivity",
            "ohmic conductor",
        ),
        explanation=r"""
            **Electric current** $I$ is the rate of flow of charge, $I = dQ/dt$, in amperes.
            **Resistance** $R$ measures how strongly a component opposes the current. They are
            related by

            $$V = IR,$$

            where $V$ is the potential difference across the component. **Ohm's law** is the
            statement that, for many conductors at constant temperature, $R$ stays constant, so
            current is proportional to voltage; such conductors are called **ohmic**. Filament
            lamps and diodes are not ohmic. The resistance of a wire of length $L$ and
            cross-section $A$ is $R = \rho L/A$, where $\rho$ is the resistivity of the material.
            A resistor converts electrical energy to heat at the rate

            $$P = IV = I^2R = \frac{V^2}{R}.$$
        """,
        example=r"""
            A $12\,\mathrm{V}$ battery is connected across a $4.0\,\Omega$ resistor. The current
            is

            $$I = \frac{V}{R} = \frac{12}{4.0} = 3.0\,\mathrm{A},$$

            and the resistor dissipates $P = IV = 36\,\mathrm{W}$ as heat. A $2.0\,\mathrm{m}$
            copper wire with cross-section $1.0\,\mathrm{mm^2}$ has
            $R = (1.7\times10^{-8})(2.0)/(1.0\times10^{-6}) = 0.034\,\Omega$, small enough to
            ignore in most circuits. A filament bulb is not ohmic: its resistance rises roughly
            tenfold as it heats up to about $2500\,\mathrm{K}$, so the current surge at switch-on
            is far larger than the running current.
        """,
        simpler=r"""
            Electric current is like water flowing through a pipe. Voltage is the push from the
            pump; resistance is how narrow the pipe is. A bigger push makes more water flow; a
            narrower pipe lets less through. Ohm's law puts this into one simple rule: voltage
            equals current times resistance.
        """,
        alternative=r"""
            Georg Ohm published his law in 1827 after experiments with wires of different
            lengths, using a thermocouple as a steady source because early batteries were
            unreliable. His work was dismissed at first. The microscopic picture explains it.
            Electrons in a metal drift through a crowded lattice of vibrating ions, colliding
            constantly. An electric field speeds them up between collisions, and each collision
            resets them, so on average they drift at a speed proportional to the field,
            typically well under a millimetre per second. Heating the metal makes the ions
            vibrate more, collisions become more frequent, and resistance rises.
        """,
    ),
    ConceptSpec(
        slug="series-parallel-circuits",
        title="Series and parallel circuits (Kirchhoff's rules)",
        topic="electromagnetism",
        keywords=(
            "series and parallel circuits",
            "resistors in series",
            "resistors in parallel",
            "kirchhoff's laws",
            "equivalent resistance",
            "current divider",
        ),
        explanation=r"""
            Components in **series** share the same current, one after another, and the voltages
            across them add. Components in **parallel** are connected across the same two points,
            so they share the same voltage, and the currents through them add. For resistors:

            $$R_{\text{series}} = R_1 + R_2 + \cdots, \qquad
            \frac{1}{R_{\text{parallel}}} = \frac{1}{R_1} + \frac{1}{R_2} + \cdots$$

            Adding a resistor in series always increases the total; adding one in parallel always
            decreases it, since it opens another path. These rules follow from **Kirchhoff's
            laws**. The current law: the total current into a junction equals the total current
            out (charge is conserved). The voltage law: around any closed loop the potential
            differences sum to zero (energy is conserved). Houses are wired in parallel, so each
            appliance gets the full mains voltage and can be switched on its own.
        """,
        example=r"""
            Resistors of $6.0\,\Omega$ and $3.0\,\Omega$ are connected to a $12\,\mathrm{V}$
            battery. In series, $R = 9.0\,\Omega$ and $I = 12/9.0 = 1.33\,\mathrm{A}$; the
            $6.0\,\Omega$ resistor takes $8.0\,\mathrm{V}$ and the $3.0\,\Omega$ one
            $4.0\,\mathrm{V}$. In parallel,

            $$\frac{1}{R} = \frac{1}{6.0} + \frac{1}{3.0} = \frac{1}{2.0}
            \quad\Rightarrow\quad R = 2.0\,\Omega,$$

            so the battery supplies $6.0\,\mathrm{A}$: $2.0\,\mathrm{A}$ through the
            $6.0\,\Omega$ resistor and $4.0\,\mathrm{A}$ through the $3.0\,\Omega$ one. The
            smaller resistor takes the larger share of the current.
        """,
        simpler=r"""
            In a series circuit, everything sits in one line, like old Christmas lights: if one
            bulb breaks, they all go off, because the current has only one path. In a parallel
            circuit, each thing has its own path, like the sockets in your house: switch off the
            TV and the lamp stays on. More paths let more current flow overall.
        """,
        alternative=r"""
            Picture the circuit as a ski resort. The lift, playing the battery, raises skiers to
            the top, giving each the same height. On the way down, a single run with several
            steep sections in a row is a series circuit: every skier passes through every
            section, and the drops add up to the total height. Several separate runs side by
            side are a parallel circuit: each skier chooses one, each run descends the full
            height, and more runs let more skiers through per minute. Skiers are never created or
            lost at a fork, and every round trip ends where it began: Kirchhoff's two rules of
            1845.
        """,
    ),
    ConceptSpec(
        slug="magnetic-force",
        title="Magnetic force on charges and currents",
        topic="electromagnetism",
        keywords=(
            "magnetic force",
            "lorentz force",
            "force on a moving charge",
            "force on a current-carrying wire",
            "fleming's left hand rule",
            "F = BIL",
            "F = qvB",
        ),
        explanation=r"""
            A magnetic field $\vec{B}$ exerts a force on a moving charge, but not on a stationary
            one. For charge $q$ moving with velocity $\vec{v}$,

            $$\vec{F} = q\vec{v}\times\vec{B}, \qquad F = qvB\sin\theta.$$

            The force is perpendicular to both the velocity and the field, so it changes a
            charge's direction but never its speed: it does no work. A charge moving
            perpendicular to a uniform field therefore travels in a circle of radius $r = mv/qB$.
            A wire of length $L$ carrying current $I$ in a field feels the combined force on its
            moving charges:

            $$F = BIL\sin\theta.$$

            The direction follows the right-hand rule for the cross product, or Fleming's
            left-hand rule. Magnetic field is measured in teslas. Electric motors, loudspeakers,
            mass spectrometers and particle accelerators all use this force.
        """,
        example=r"""
            An electron moves at $3.0\times10^6\,\mathrm{m/s}$ perpendicular to a
            $0.20\,\mathrm{T}$ field. The force on it is

            $$F = evB = (1.60\times10^{-19})(3.0\times10^6)(0.20) \approx
            9.6\times10^{-14}\,\mathrm{N},$$

            and it circles with radius
            $r = mv/eB = (9.11\times10^{-31})(3.0\times10^6)/(3.2\times10^{-20}) \approx
            85\,\mu\mathrm{m}$. A motor wire $0.10\,\mathrm{m}$ long carrying $5.0\,\mathrm{A}$
            across a $0.50\,\mathrm{T}$ field feels $F = BIL = 0.25\,\mathrm{N}$. Many turns of
            wire on a rotating coil turn such forces into a useful torque.
        """,
        simpler=r"""
            Magnets push sideways on moving electric charges. A wire carrying electricity, placed
            near a magnet, gets shoved to one side. This sideways push is how electric motors
            work: coils of wire carrying current sit between magnets, get pushed round and round,
            and spin the motor. The same push steers the particles that make the northern
            lights.
        """,
        alternative=r"""
            Hans Christian Ørsted noticed in 1820, during a lecture, that a compass needle
            twitched when he switched on a current nearby. Within weeks Ampère showed that two
            parallel currents attract, and within a year Faraday built the first electric motor,
            a wire spinning around a magnet in a cup of mercury. A geometric way to see the force
            on a wire: the wire's own circular field adds to the magnet's field on one side and
            cancels it on the other, so field lines crowd together on one side. Like stretched
            rubber bands, the crowded lines push the wire toward the emptier side.
        """,
    ),
    ConceptSpec(
        slug="electromagnetic-induction",
        title="Electromagnetic induction (Faraday and Lenz)",
        topic="electromagnetism",
        keywords=(
            "electromagnetic induction",
            "faraday's law",
            "lenz's law",
            "induced emf",
            "magnetic flux",
            "generator",
            "transformer",
        ),
        explanation=r"""
            A changing magnetic field through a circuit produces a voltage in it:
            **electromagnetic induction**. The key quantity is magnetic **flux**,
            $\Phi = BA\cos\theta$, the amount of field passing through an area $A$. **Faraday's
            law** says the induced emf equals the rate of change of flux linkage:

            $$\varepsilon = -N\frac{d\Phi}{dt}$$

            for a coil of $N$ turns. The flux can change because the field strength changes, or
            the coil moves, rotates or changes area. The minus sign is **Lenz's law**: the
            induced current flows so as to oppose the change that caused it. That is energy
            conservation at work; if the current aided the change, you would get energy for
            nothing. Generators, transformers, induction hobs, wireless chargers and electric
            guitar pickups all run on induction.
        """,
        example=r"""
            A coil of $200$ turns sits in a magnetic field, and the flux through each turn falls
            from $0.030\,\mathrm{Wb}$ to zero in $0.10\,\mathrm{s}$. The average induced emf is

            $$\varepsilon = N\frac{\Delta\Phi}{\Delta t} = 200 \times \frac{0.030}{0.10}
            = 60\,\mathrm{V}.$$

            Drop a strong magnet down a copper pipe and it falls surprisingly slowly. As it
            falls, the flux through each ring of the pipe changes, inducing circular currents;
            by Lenz's law their fields push back on the magnet. The magnet's lost gravitational
            energy ends up as heat in the copper.
        """,
        simpler=r"""
            Move a magnet in and out of a coil of wire and electricity flows in the wire, with no
            battery at all. Changing magnetism makes electricity. That's how power stations work:
            giant magnets spin inside coils and produce the electricity for your home. The faster
            the magnet moves, the more electricity you get.
        """,
        alternative=r"""
            Faraday spent years looking for electricity from magnetism, because Ørsted had shown
            the reverse. In August 1831 he wound two coils on an iron ring and found that a
            galvanometer flicked only when he switched the first coil's current on or off, never
            while it flowed steadily. The secret was change. Faraday imagined field lines as
            physical threads: a voltage appears whenever a wire cuts through them, and the faster
            the cutting, the larger the voltage. Transformers are his ring scaled up: alternating
            current in one coil keeps the flux in the iron changing, inducing voltage in the
            other, stepped up or down by the ratio of turns.
        """,
    ),
)
