"""Labelled student messages for measuring the tutor's intent classifier and retrieval.

Conventions:

- ``concept`` is the knowledge-base slug that a covered physics message names or is clearly about
  (concept questions, problems, and follow-ups such as "example of the doppler effect").
- Bare follow-ups ("example?", "eli5", "try again") have ``concept=None`` and carry the chat's
  current topic in ``context``; resolving them against it is the pipeline's job.
- ``covered=False`` marks physics questions the knowledge base has no entry for: the tutor should
  say so plainly. ``covered`` means nothing for greetings and off-topic messages (left True).
- Typos, lowercase and missing punctuation are deliberate: that is how students type.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

INTENTS: tuple[str, ...] = (
    "greeting",
    "concept",
    "example",
    "simpler",
    "retry",
    "problem",
    "off_topic",
)


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    intent: str  # one of INTENTS
    concept: str | None = None  # the expected knowledge-base slug; None otherwise
    covered: bool = True  # False for physics questions the knowledge base does not cover
    context: str | None = None  # for bare follow-ups: the slug of the chat's current topic
    facet: str | None = None  # what is asked (docs/tutor.md); None: the intent's usual facet
    also: str | None = None  # a comparison's second concept

    @property
    def expected_facet(self) -> str | None:
        """The facet a reply should answer: the label, else the intent's usual one."""
        return self.facet or _FACET_OF_INTENT.get(self.intent)

    @property
    def half(self) -> str:
        """ "calibration" or "test": fixed by the text alone, so adding messages never moves
        one from a half to the other. Thresholds and weights are tuned on the calibration
        half only; the test half is what the quality benchmark reports."""
        return "test" if zlib.crc32(self.text.encode()) % 2 else "calibration"


_FACET_OF_INTENT = {
    "concept": "define",
    "problem": "compute",
    "example": "example",
    "simpler": "simpler",
}


_M = LabelledMessage

_GREETINGS: tuple[LabelledMessage, ...] = (
    _M("hi", "greeting"),
    _M("hello!", "greeting"),
    _M("hey there", "greeting"),
    _M("Good morning", "greeting"),
    _M("yo", "greeting"),
    _M("hiya", "greeting"),
    _M("good evening tutor", "greeting"),
    _M("how are you?", "greeting"),
    _M("who are you?", "greeting"),
    _M("what can you help me with?", "greeting"),
    _M("thanks!", "greeting"),
    _M("thank you so much, that helped", "greeting"),
    _M("ty", "greeting"),
    _M("thx", "greeting"),
    _M("cheers mate", "greeting"),
    _M("ok cool", "greeting"),
    _M("nice, got it now", "greeting"),
    _M("bye", "greeting"),
    _M("see you tomorrow", "greeting"),
)

_OFF_TOPIC: tuple[LabelledMessage, ...] = (
    _M("whats a good recipe for banana bread", "off_topic"),
    _M("who won the champions league last year", "off_topic"),
    _M("who is the best footballer ever, messi or ronaldo", "off_topic"),
    _M("can you do my history homework on the french revolution", "off_topic"),
    _M("summarise the causes of world war 1", "off_topic"),
    _M("how do i reverse a list in python", "off_topic"),
    _M("How do I center a div in CSS?", "off_topic"),
    _M("fix this javascript error: undefined is not a function", "off_topic"),
    _M("what's the weather like today", "off_topic"),
    _M("recommend me a good movie", "off_topic"),
    _M("write me a poem about cats", "off_topic"),
    _M("what's the capital of australia", "off_topic"),
    _M("translate 'good morning' into spanish", "off_topic"),
    _M("tell me a joke", "off_topic"),
    _M("my wifi keeps dropping, how do i fix it", "off_topic"),
    _M("should i buy bitcoin", "off_topic"),
    _M("how many calories are in a slice of pizza", "off_topic"),
    _M("how do i ask my crush out", "off_topic"),
    _M("best way to learn guitar chords?", "off_topic"),
    _M("can you write my english essay about macbeth", "off_topic"),
)

_CONCEPT_QUESTIONS: tuple[LabelledMessage, ...] = (
    # calculus
    _M("What is a derivative?", "concept", "derivative"),
    _M("how does integration give the area under a curve", "concept", "integral", facet="why"),
    _M("chain rule??", "concept", "chain-rule"),
    _M(
        "why is sin x about equal to x for small angles",
        "concept",
        "taylor-small-angle",
        facet="why",
    ),
    _M("how do i split a vector into components", "concept", "vectors-components", facet="compute"),
    _M(
        "whats the difference between the dot product and the cross product",
        "concept",
        "dot-cross-product",
        facet="compare",
    ),
    _M(
        "what is a differential equation and why do physicists use them",
        "concept",
        "differential-equations",
    ),
    # kinematics
    _M(
        "difference between distance and displacement?",
        "concept",
        "displacement-velocity-acceleration",
        facet="compare",
    ),
    _M(
        "what's the difference between speed and velocity",
        "concept",
        "displacement-velocity-acceleration",
        facet="compare",
    ),
    _M("what does the slope of a velocity time graph tell you", "concept", "motion-graphs"),
    _M("can you explain the suvat equations", "concept", "suvat-equations"),
    _M(
        "do heavy things fall faster than light things",
        "concept",
        "free-fall",
        facet="misconception",
    ),
    _M("how does projectile motion work", "concept", "projectile-motion", facet="why"),
    _M("relative velocity explained pls", "concept", "relative-velocity"),
    _M(
        "why is there acceleration in circular motion if the speed is constant",
        "concept",
        "uniform-circular-motion",
        facet="why",
    ),
    # dynamics
    _M("what is inertia", "concept", "newtons-first-law"),
    _M("explain newtons 2nd law", "concept", "newtons-second-law"),
    _M("F=ma meaning", "concept", "newtons-second-law"),
    _M("if i push a wall does the wall push back?", "concept", "newtons-third-law"),
    _M("how do you draw a free body diagram", "concept", "free-body-diagrams"),
    _M("static vs kinetic friction", "concept", "friction", facet="compare"),
    _M("what is tension in a rope", "concept", "tension"),
    _M(
        "what provides the centripetal force for a car on a bend",
        "concept",
        "centripetal-force",
        facet="why",
    ),
    _M("why doesnt the moon fall into the earth", "concept", "gravitation-orbits", facet="why"),
    _M("what is torque", "concept", "torque"),
    # energy and momentum
    _M("what counts as work in physics", "concept", "work"),
    _M("kinetic energy formula?", "concept", "kinetic-energy", facet="compute"),
    _M("explain gravitational potential energy", "concept", "potential-energy"),
    _M("is energy always conserved", "concept", "energy-conservation", facet="misconception"),
    _M("whats the difference between power and energy", "concept", "power", facet="compare"),
    _M("conservation of momentum", "concept", "momentum"),
    _M("what is impulse", "concept", "impulse"),
    _M("elastic vs inelastic collision", "concept", "collisions", facet="compare"),
    # waves
    _M("what is simple harmonic motion", "concept", "simple-harmonic-motion"),
    _M("how are wave speed, frequency and wavelength related", "concept", "wave-speed"),
    _M("what is constructive and destructive interference", "concept", "wave-interference"),
    _M("how do standing waves form on a guitar string", "concept", "standing-waves", facet="why"),
    _M(
        "why does an ambulance siren change pitch as it goes past",
        "concept",
        "doppler-effect",
        facet="why",
    ),
    _M("how do decibels work", "concept", "sound-intensity-decibels", facet="why"),
    _M("what is resonance", "concept", "resonance"),
    # thermodynamics
    _M("what actually is temperature", "concept", "temperature-thermal-equilibrium"),
    _M("pv=nrt explained", "concept", "ideal-gas-law"),
    _M(
        "where does gas pressure come from, is it molecules hitting the walls",
        "concept",
        "kinetic-theory-gases",
    ),
    _M("first law of thermodynamics?", "concept", "first-law-thermodynamics"),
    _M("what is specific heat capacity", "concept", "specific-heat-latent-heat"),
    _M("what is entropy", "concept", "entropy-second-law"),
    _M("why cant a heat engine be 100% efficient", "concept", "heat-engines", facet="why"),
    # electromagnetism
    _M("coulombs law", "concept", "coulombs-law"),
    _M("what is an electric field", "concept", "electric-field"),
    _M("what is voltage really", "concept", "electric-potential"),
    _M("how does a capacitor store energy", "concept", "capacitance", facet="why"),
    _M("ohms law", "concept", "ohms-law"),
    _M(
        "how do resistors in parallel add up",
        "concept",
        "series-parallel-circuits",
        facet="compute",
    ),
    _M(
        "why does a current carrying wire feel a force in a magnetic field",
        "concept",
        "magnetic-force",
        facet="why",
    ),
    _M(
        "how does a generator make electricity", "concept", "electromagnetic-induction", facet="why"
    ),
    _M("lenz's law?", "concept", "electromagnetic-induction"),
    # optics
    _M(
        "why does angle of incidence equal angle of reflection",
        "concept",
        "reflection",
        facet="why",
    ),
    _M(
        "why does a straw look bent in a glass of water",
        "concept",
        "refraction-snells-law",
        facet="why",
    ),
    _M("how do optical fibres work", "concept", "total-internal-reflection", facet="why"),
    _M("how does a convex lens form an image", "concept", "thin-lenses", facet="why"),
    _M("what is diffraction", "concept", "diffraction"),
    _M("how do polarized sunglasses work", "concept", "polarisation", facet="why"),
    _M("what is the electromagnetic spectrum", "concept", "electromagnetic-spectrum"),
    # modern physics
    _M("explain the photoelectric effect", "concept", "photoelectric-effect"),
    _M("what is a photon", "concept", "photons"),
    _M("de broglie wavelength??", "concept", "de-broglie-wavelength"),
    _M("what does half life mean", "concept", "radioactive-decay"),
    _M(
        "why does time slow down when you move really fast",
        "concept",
        "special-relativity",
        facet="why",
    ),
    _M("e=mc^2 what does it actually mean", "concept", "mass-energy-equivalence"),
    _M(
        "why do atoms only give off light at specific colours",
        "concept",
        "atomic-energy-levels",
        facet="why",
    ),
    # quantum physics
    _M("what is quantum coherence", "concept", "quantum-coherence"),
    _M("whats quantum cohrence", "concept", "quantum-coherence"),
    _M("can you explain quantum coherence to me", "concept", "quantum-coherence"),
    _M("Quantum coherence?", "concept", "quantum-coherence"),
    _M("is light a wave or a particle", "concept", "wave-particle-duality", facet="compare"),
    _M("what is the born rule", "concept", "wavefunction-born-rule"),
    _M("what does the wave function actually represent", "concept", "wavefunction-born-rule"),
    _M("superposition in quantum mechanics?", "concept", "quantum-superposition"),
    _M("explain schrodingers cat", "concept", "quantum-superposition"),
    _M("what causes decoherence", "concept", "decoherence", facet="why"),
    _M("heisenberg uncertainty principle explained", "concept", "uncertainty-principle"),
    _M("how can a particle go through a wall? quantum tunneling", "concept", "quantum-tunnelling"),
    _M("what is quantum entanglment", "concept", "quantum-entanglement"),
    _M("what is electron spin", "concept", "quantum-spin"),
    _M(
        "why are the energies quantized for a particle in a box",
        "concept",
        "particle-in-a-box",
        facet="why",
    ),
)

_PROBLEMS: tuple[LabelledMessage, ...] = (
    _M(
        "differentiate x = 5t^2 + 3t to get the velocity at t = 2 s",
        "problem",
        "derivative",
    ),
    _M("find the area under v = 3t^2 from t = 0 to t = 2", "problem", "integral"),
    _M(
        "find the x and y components of a 50 N force at 37 degrees", "problem", "vectors-components"
    ),
    _M(
        "a car accelerates from 0 to 20 m/s in 5 s, find the acceleration",
        "problem",
        "displacement-velocity-acceleration",
    ),
    _M(
        "a car travelling at 30 m/s brakes at 6 m/s^2, how far does it go before stopping?",
        "problem",
        "suvat-equations",
    ),
    _M(
        "a ball is dropped from a 45 m tall building, how long does it take to hit the ground",
        "problem",
        "free-fall",
    ),
    _M(
        "ball kicked at 20 m/s at 30 degrees above the horizontal, how far does it go",
        "problem",
        "projectile-motion",
    ),
    _M(
        "a boat heads across a river at 4 m/s and the river flows at 3 m/s, whats its speed "
        "relative to the bank",
        "problem",
        "relative-velocity",
    ),
    _M(
        "calculate the net force needed to accelerate a 1200 kg car at 2.5 m/s2",
        "problem",
        "newtons-second-law",
    ),
    _M(
        "a 10 kg box sits on a floor with coefficient of friction 0.3, what force keeps it sliding "
        "at constant speed",
        "problem",
        "friction",
    ),
    _M(
        "2 kg and 3 kg masses hang over a frictionless pulley, find the tension in the string",
        "problem",
        "tension",
    ),
    _M(
        "a 0.5 kg ball on a 1.2 m string goes round a horizontal circle at 4 m/s. centripetal "
        "force?",
        "problem",
        "centripetal-force",
    ),
    _M(
        "find the orbital speed of a satellite 400 km above the earth",
        "problem",
        "gravitation-orbits",
    ),
    _M("a 40 N force acts 0.25 m from a door hinge, whats the torque", "problem", "torque"),
    _M("how much work is done pushing a crate 5 m with a force of 200 N", "problem", "work"),
    _M("whats the kinetic energy of a 1500kg car at 20m/s", "problem", "kinetic-energy"),
    _M(
        "a 2 kg rock is dropped from 10 m, use conservation of energy to find its speed just "
        "before it lands",
        "problem",
        "energy-conservation",
    ),
    _M(
        "a 60 kg person climbs 3 m of stairs in 4 s. what is their power output",
        "problem",
        "power",
    ),
    _M(
        "a 5 kg cart at 4 m/s hits a 3 kg cart at rest and they stick together, find the final "
        "velocity",
        "problem",
        "collisions",
    ),
    _M(
        "a 0.06 kg tennis ball hits a wall at 25 m/s and bounces back at 20 m/s, contact time "
        "0.01 s, what's the average force",
        "problem",
        "impulse",
    ),
    _M(
        "mass on a spring, k = 200 N/m and m = 0.5 kg, find the period",
        "problem",
        "simple-harmonic-motion",
    ),
    _M(
        "a wave has frequency 440 Hz and wavelength 0.78 m, whats its speed",
        "problem",
        "wave-speed",
    ),
    _M(
        "a car horn of 500 Hz approaches me at 20 m/s, speed of sound 340 m/s, what frequency do i "
        "hear",
        "problem",
        "doppler-effect",
    ),
    _M(
        "if the sound intensity goes up by a factor of 100 how many dB louder is it",
        "problem",
        "sound-intensity-decibels",
    ),
    _M(
        "2 mol of ideal gas at 300 K in 0.05 m^3, find the pressure",
        "problem",
        "ideal-gas-law",
    ),
    _M(
        "how much energy does it take to heat 2 kg of water from 20 to 80 degrees C",
        "problem",
        "specific-heat-latent-heat",
    ),
    _M(
        "an engine works between 600 K and 300 K, what is its maximum efficiency",
        "problem",
        "heat-engines",
    ),
    _M(
        "force between two 3 microcoulomb charges 0.2 m apart",
        "problem",
        "coulombs-law",
    ),
    _M("a 12 V battery is across a 4 ohm resistor, what current flows", "problem", "ohms-law"),
    _M(
        "energy stored in a 100 microfarad capacitor charged to 9 V?",
        "problem",
        "capacitance",
    ),
    _M(
        "an electron moves at 3e6 m/s perpendicular to a 0.2 T field, what force acts on it",
        "problem",
        "magnetic-force",
    ),
    _M(
        "a coil of 200 turns has its flux change by 0.03 Wb in 0.1 s, find the induced emf",
        "problem",
        "electromagnetic-induction",
    ),
    _M(
        "light goes from air into glass (n = 1.5) at 40 degrees, find the angle of refraction",
        "problem",
        "refraction-snells-law",
    ),
    _M("critical angle for glass with n = 1.5?", "problem", "total-internal-reflection"),
    _M(
        "object 30 cm from a converging lens with f = 10 cm, where is the image",
        "problem",
        "thin-lenses",
    ),
    _M("energy of a 500 nm photon in eV", "problem", "photons"),
    _M(
        "sodium has work function 2.3 eV, light of 400 nm shines on it, max kinetic energy of "
        "the electrons?",
        "problem",
        "photoelectric-effect",
    ),
    _M(
        "half life is 8 days, how much of 80 g is left after 24 days",
        "problem",
        "radioactive-decay",
    ),
    _M(
        "a muon moves at 0.98c and has a lifetime of 2.2 microseconds at rest, how long does it "
        "live in the lab",
        "problem",
        "special-relativity",
    ),
    _M(
        "de broglie wavelength of an electron moving at 2e6 m/s",
        "problem",
        "de-broglie-wavelength",
    ),
    _M(
        "hydrogen electron drops from n=3 to n=2, what wavelength of light comes out",
        "problem",
        "atomic-energy-levels",
    ),
    _M(
        "ground state energy of an electron in a 0.5 nm box?",
        "problem",
        "particle-in-a-box",
    ),
)

_EXAMPLE_REQUESTS: tuple[LabelledMessage, ...] = (
    _M("give me an example of quantum entanglement", "example", "quantum-entanglement"),
    _M("real life example of newton's third law", "example", "newtons-third-law"),
    _M("can you show an example of the doppler effect", "example", "doppler-effect"),
    _M(
        "example of total internal reflection in everyday life?",
        "example",
        "total-internal-reflection",
    ),
    _M("worked example for conservation of momentum pls", "example", "momentum"),
    _M("where do we see resonance in real life", "example", "resonance", facet="applications"),
    _M(
        "any examples of quantum tunnelling in technology",
        "example",
        "quantum-tunnelling",
        facet="applications",
    ),
    _M("example of entropy increasing", "example", "entropy-second-law"),
    _M("show me an example using the chain rule", "example", "chain-rule"),
    _M("give an example of electromagnetic induction", "example", "electromagnetic-induction"),
    _M("example of decoherence?", "example", "decoherence"),
    _M("an everyday example of friction being useful", "example", "friction"),
    # bare follow-ups: the topic comes from the chat
    _M("give me an example", "example", context="quantum-coherence"),
    _M("example?", "example", context="projectile-motion"),
    _M("eg?", "example", context="ohms-law"),
    _M("can u give an example", "example", context="entropy-second-law"),
    _M("real life example pls", "example", context="centripetal-force"),
    _M("show me an example of that", "example", context="wave-interference"),
    _M("any examples?", "example", context="uncertainty-principle"),
    _M("example with numbers please", "example", context="ideal-gas-law"),
    _M("got a worked example?", "example", context="kinetic-energy"),
    _M(
        "where would i see this in real life",
        "example",
        context="polarisation",
        facet="applications",
    ),
    _M("like what? give me a concrete case", "example", context="quantum-superposition"),
    _M("how is that used in practice", "example", context="capacitance", facet="applications"),
)

_SIMPLER_REQUESTS: tuple[LabelledMessage, ...] = (
    _M("explain it more simply", "simpler", context="quantum-coherence"),
    _M("eli5", "simpler", context="quantum-entanglement"),
    _M("simpler please", "simpler", context="entropy-second-law"),
    _M("i dont get it", "simpler", context="uncertainty-principle"),
    _M("too complicated", "simpler", context="special-relativity"),
    _M("dumb it down for me", "simpler", context="electric-potential"),
    _M("in plain english?", "simpler", context="wavefunction-born-rule"),
    _M("explain like im 10", "simpler", context="decoherence"),
    _M("less math pls", "simpler", context="differential-equations"),
    _M("can you make it easier", "simpler", context="torque"),
    _M("what does that mean in normal words", "simpler", context="impulse"),
    _M("im confused", "simpler", context="diffraction"),
    _M("simplify", "simpler", context="first-law-thermodynamics"),
    _M("that's way over my head, simpler?", "simpler", context="quantum-spin"),
    _M("explain like i'm five: the doppler effect", "simpler", "doppler-effect"),
    _M("simple explanation of entropy please", "simpler", "entropy-second-law"),
    _M("whats half life in simple words", "simpler", "radioactive-decay"),
    _M("can you explain quantum tunnelling like i'm 12", "simpler", "quantum-tunnelling"),
)

_RETRIES: tuple[LabelledMessage, ...] = (
    _M("try again", "retry", context="quantum-coherence"),
    _M("again but differently", "retry", context="newtons-second-law"),
    _M("another way pls", "retry", context="electric-field"),
    _M("explain it differently", "retry", context="standing-waves"),
    _M("that didnt help, try again", "retry", context="entropy-second-law"),
    _M("can you rephrase that", "retry", context="photoelectric-effect"),
    _M("say it another way", "retry", context="integral"),
    _M("nope, try again", "retry", context="magnetic-force"),
    _M("different explanation please", "retry", context="wave-particle-duality"),
    _M("retry", "retry", context="heat-engines"),
    _M("one more time but from a different angle", "retry", context="quantum-superposition"),
    _M("still confused, explain it another way", "retry", context="uncertainty-principle"),
    _M("hmm not clear. another explanation?", "retry", context="capacitance"),
    _M("try explaining that a different way", "retry", context="de-broglie-wavelength"),
    _M("regenerate", "retry", context="special-relativity"),
    _M("give me a different angle on it", "retry", context="decoherence"),
    _M("that made no sense, again?", "retry", context="friction"),
)

# Physics and science the knowledge base has no entry for.
_UNCOVERED: tuple[LabelledMessage, ...] = (
    _M("what is superconductivity", "concept", covered=False),
    _M("explain the black hole information paradox", "concept", covered=False),
    _M("what is string theory", "concept", covered=False),
    _M("what is a plasma in physics", "concept", covered=False),
    _M("how do you design a tokamak fusion reactor", "concept", covered=False),
    _M("what causes turbulence in fluids", "concept", covered=False, facet="why"),
    _M("explain bernoulli's principle and how planes fly", "concept", covered=False, facet="why"),
    _M("why do ships float? archimedes principle", "concept", covered=False, facet="why"),
    _M("what is hawking radiation", "concept", covered=False),
    _M("what is dark matter", "concept", covered=False),
    _M("what are quarks and colour charge", "concept", covered=False),
    _M("what is the higgs boson", "concept", covered=False),
    _M("how were gravitational waves detected", "concept", covered=False, facet="why"),
    _M("how does a p-n junction in a semiconductor work", "concept", covered=False, facet="why"),
    _M("what is chaos theory, like the double pendulum", "concept", covered=False),
    _M("what is surface tension", "concept", covered=False),
    _M("what is a bose einstein condensate", "concept", covered=False),
    _M("how do feynman diagrams work", "concept", covered=False, facet="why"),
    _M("why do neutrinos oscillate", "concept", covered=False, facet="why"),
    _M("what is cherenkov radiation", "concept", covered=False),
    _M("what is the cosmic microwave background", "concept", covered=False),
    _M("what is the coriolis effect", "concept", covered=False),
    _M("how do stars make heavy elements like iron", "concept", covered=False, facet="why"),
    _M(
        "water flows at 1.5 m/s through a pipe that narrows from 4 cm to 2 cm diameter, find the "
        "pressure drop",
        "problem",
        covered=False,
    ),
    _M("pressure at the bottom of a 10 m deep swimming pool?", "problem", covered=False),
    _M(
        "a steel wire 2 m long with 1 mm^2 cross section is stretched by 100 N, young's modulus "
        "200 GPa, find the extension",
        "problem",
        covered=False,
    ),
    _M(
        "a 1 mm radius sphere falls through honey of viscosity 10 Pa s, find its terminal "
        "velocity with stokes law",
        "problem",
        covered=False,
    ),
    _M(
        "a galaxy is 100 Mpc away, with hubble constant 70 km/s/Mpc how fast is it receding",
        "problem",
        covered=False,
    ),
    _M(
        "heat flow through a 0.2 m thick brick wall of area 10 m^2, k = 0.6 W/mK, 20 K difference",
        "problem",
        covered=False,
    ),
    _M(
        "a wooden block of density 600 kg/m3 floats in water, what fraction is under water",
        "problem",
        covered=False,
    ),
    _M(
        "calculate the schwarzschild radius of a 10 solar mass black hole", "problem", covered=False
    ),
)

# Written as students write, each with the facet it asks for (docs/tutor.md lists the facets).
# ``also`` names the second concept of a comparison.
_STUDENT_STYLE: tuple[LabelledMessage, ...] = (
    # formula-phrased
    _M("what does p = mv mean", "concept", "momentum", facet="define"),
    _M("F = ma", "concept", "newtons-second-law", facet="define"),
    _M("p=mv", "concept", "momentum", facet="define"),
    _M("what is v = u + at", "concept", "suvat-equations", facet="define"),
    _M("E = hf meaning", "concept", "photons", facet="define"),
    _M("what does V = IR tell me", "concept", "ohms-law", facet="define"),
    _M("Q = mc delta T what is c", "concept", "specific-heat-latent-heat", facet="define"),
    _M("lambda = h/p??", "concept", "de-broglie-wavelength", facet="define"),
    _M("what is the formula for kinetic energy", "concept", "kinetic-energy", facet="compute"),
    _M("formula for power", "concept", "power", facet="compute"),
    _M("equation for centripetal force", "concept", "centripetal-force", facet="compute"),
    _M("how do i calculate momentum", "concept", "momentum", facet="compute"),
    _M("how do you work out the resistance of a wire", "concept", "ohms-law", facet="compute"),
    _M("how do i calculate work done", "concept", "work", facet="compute"),
    _M("how to calculate wavelength from frequency", "concept", "wave-speed", facet="compute"),
    _M(
        "how do you find the period of a pendulum",
        "concept",
        "simple-harmonic-motion",
        facet="compute",
    ),
    _M("how do i calculate half life", "concept", "radioactive-decay", facet="compute"),
    _M("how do you calculate the energy of a photon", "concept", "photons", facet="compute"),
    _M(
        "how to calculate the critical angle",
        "concept",
        "total-internal-reflection",
        facet="compute",
    ),
    _M("how do i use snells law", "concept", "refraction-snells-law", facet="compute"),
    # one word
    _M("momentum", "concept", "momentum", facet="define"),
    _M("torque?", "concept", "torque", facet="define"),
    _M("entropy", "concept", "entropy-second-law", facet="define"),
    _M("frequency", "concept", "wave-speed", facet="define"),
    _M("capacitors", "concept", "capacitance", facet="define"),
    _M("friction", "concept", "friction", facet="define"),
    _M("inertia?", "concept", "newtons-first-law", facet="define"),
    _M("diffraction", "concept", "diffraction", facet="define"),
    _M("decoherence?", "concept", "decoherence", facet="define"),
    _M("resonance", "concept", "resonance", facet="define"),
    _M("impulse", "concept", "impulse", facet="define"),
    _M("tension", "concept", "tension", facet="define"),
    _M("wavefunction", "concept", "wavefunction-born-rule", facet="define"),
    _M("voltage", "concept", "electric-potential", facet="define"),
    _M("polarization", "concept", "polarisation", facet="define"),
    # misspelled
    _M("wat is momentm", "concept", "momentum", facet="define"),
    _M("explane entrophy", "concept", "entropy-second-law", facet="define"),
    _M("what is acceleratoin", "concept", "displacement-velocity-acceleration", facet="define"),
    _M("centripital force?", "concept", "centripetal-force", facet="define"),
    _M("whats refractoin", "concept", "refraction-snells-law", facet="define"),
    _M("quantum tunneling how does it werk", "concept", "quantum-tunnelling", facet="why"),
    _M("what is superpostion", "concept", "quantum-superposition", facet="define"),
    _M("photoelectic effect", "concept", "photoelectric-effect", facet="define"),
    _M("what is capacitence", "concept", "capacitance", facet="define"),
    _M("electromagnetc induction", "concept", "electromagnetic-induction", facet="define"),
    _M("projectle motion", "concept", "projectile-motion", facet="define"),
    _M("what is resistence", "concept", "ohms-law", facet="define"),
    # "in physics"
    _M("what is power in physics", "concept", "power", facet="define"),
    _M("what is work in physics", "concept", "work", facet="define"),
    _M("what does energy mean in physics", "concept", "energy-conservation", facet="define"),
    _M("what is a field in physics", "concept", "electric-field", facet="define"),
    _M("what is tension in physics", "concept", "tension", facet="define"),
    _M(
        "what is displacement in physics",
        "concept",
        "displacement-velocity-acceleration",
        facet="define",
    ),
    _M("what's a wave in physics", "concept", "wave-speed", facet="define"),
    _M("what is a quantum state in physics", "concept", "wavefunction-born-rule", facet="define"),
    _M("what does spin mean in physics", "concept", "quantum-spin", facet="define"),
    _M("what is the moment of a force in physics", "concept", "torque", facet="define"),
    # comparisons
    _M(
        "difference between speed and velocity",
        "concept",
        "displacement-velocity-acceleration",
        facet="compare",
    ),
    _M("mass vs weight", "concept", "newtons-second-law", facet="compare"),
    _M("heat vs temperature", "concept", "temperature-thermal-equilibrium", facet="compare"),
    _M(
        "whats the difference between momentum and kinetic energy",
        "concept",
        "momentum",
        facet="compare",
        also="kinetic-energy",
    ),
    _M(
        "difference between elastic and inelastic collisions",
        "concept",
        "collisions",
        facet="compare",
    ),
    _M("series vs parallel circuits", "concept", "series-parallel-circuits", facet="compare"),
    _M(
        "difference between reflection and refraction",
        "concept",
        "reflection",
        facet="compare",
        also="refraction-snells-law",
    ),
    _M(
        "interference vs diffraction",
        "concept",
        "wave-interference",
        facet="compare",
        also="diffraction",
    ),
    _M(
        "how is coherence different from decoherence",
        "concept",
        "quantum-coherence",
        facet="compare",
        also="decoherence",
    ),
    _M(
        "superposition vs entanglement",
        "concept",
        "quantum-superposition",
        facet="compare",
        also="quantum-entanglement",
    ),
    _M("work vs power", "concept", "work", facet="compare", also="power"),
    _M(
        "electric field vs electric potential",
        "concept",
        "electric-field",
        facet="compare",
        also="electric-potential",
    ),
    _M("static and kinetic friction whats the difference", "concept", "friction", facet="compare"),
    _M("converging vs diverging lens", "concept", "thin-lenses", facet="compare"),
    _M("impulse vs momentum", "concept", "impulse", facet="compare", also="momentum"),
    # why
    _M("why is momentum conserved", "concept", "momentum", facet="why"),
    _M("why does friction happen", "concept", "friction", facet="why"),
    _M("why does light bend when it enters water", "concept", "refraction-snells-law", facet="why"),
    _M("why do objects in orbit not fall down", "concept", "gravitation-orbits", facet="why"),
    _M("why does entropy always increase", "concept", "entropy-second-law", facet="why"),
    _M("why does a capacitor block dc", "concept", "capacitance", facet="why"),
    _M(
        "why do standing waves only have certain frequencies",
        "concept",
        "standing-waves",
        facet="why",
    ),
    _M(
        "why is the sky blue and not violet, is it the em spectrum",
        "concept",
        "electromagnetic-spectrum",
        facet="why",
    ),
    _M(
        "why does the photoelectric effect need a threshold frequency",
        "concept",
        "photoelectric-effect",
        facet="why",
    ),
    _M("why do moving clocks run slow", "concept", "special-relativity", facet="why"),
    _M(
        "why does a magnet induce a current in a coil",
        "concept",
        "electromagnetic-induction",
        facet="why",
    ),
    _M(
        "why cant we know position and momentum exactly",
        "concept",
        "uncertainty-principle",
        facet="why",
    ),
    # where used
    _M("where is the doppler effect used", "concept", "doppler-effect", facet="applications"),
    _M(
        "what is total internal reflection used for",
        "concept",
        "total-internal-reflection",
        facet="applications",
    ),
    _M("where are capacitors used", "concept", "capacitance", facet="applications"),
    _M(
        "uses of electromagnetic induction",
        "concept",
        "electromagnetic-induction",
        facet="applications",
    ),
    _M("applications of resonance", "concept", "resonance", facet="applications"),
    _M(
        "what is quantum tunnelling used for in technology",
        "concept",
        "quantum-tunnelling",
        facet="applications",
    ),
    _M("where is entanglement used", "concept", "quantum-entanglement", facet="applications"),
    _M("what are lenses used for", "concept", "thin-lenses", facet="applications"),
    _M("where do we use radioactive decay", "concept", "radioactive-decay", facet="applications"),
    _M("practical uses of polarisation", "concept", "polarisation", facet="applications"),
    # misconceptions
    _M(
        "is it true that heavier objects fall faster", "concept", "free-fall", facet="misconception"
    ),
    _M(
        "does a moving object need a force to keep moving",
        "concept",
        "newtons-first-law",
        facet="misconception",
    ),
    _M("is centrifugal force real", "concept", "centripetal-force", facet="misconception"),
    _M(
        "is cold something that flows into things",
        "concept",
        "temperature-thermal-equilibrium",
        facet="misconception",
    ),
    _M(
        "do astronauts float because there is no gravity in space",
        "concept",
        "gravitation-orbits",
        facet="misconception",
    ),
    _M(
        "does current get used up in a circuit",
        "concept",
        "series-parallel-circuits",
        facet="misconception",
    ),
    _M(
        "is the cat really both alive and dead",
        "concept",
        "quantum-superposition",
        facet="misconception",
    ),
    _M(
        "can entanglement send messages faster than light",
        "concept",
        "quantum-entanglement",
        facet="misconception",
    ),
    # word problems
    _M(
        "a 1200 kg car goes from 0 to 25 m/s in 10 s, what is the net force on it",
        "problem",
        "newtons-second-law",
        facet="compute",
    ),
    _M(
        "a stone is dropped down a well and hits the water after 3 s, how deep is the well",
        "problem",
        "free-fall",
        facet="compute",
    ),
    _M(
        "a 70 kg sprinter runs at 9 m/s, what is her kinetic energy",
        "problem",
        "kinetic-energy",
        facet="compute",
    ),
    _M(
        "a crane lifts 500 kg through 20 m in 40 s, what power does it use",
        "problem",
        "power",
        facet="compute",
    ),
    _M(
        "a 12 V battery drives 3 A through a lamp, what is its resistance",
        "problem",
        "ohms-law",
        facet="compute",
    ),
    _M(
        "a wave has frequency 50 Hz and wavelength 4 m, how fast does it travel",
        "problem",
        "wave-speed",
        facet="compute",
    ),
    _M(
        "light goes from air into glass with n = 1.5 at 30 degrees, find the refraction angle",
        "problem",
        "refraction-snells-law",
        facet="compute",
    ),
    _M("a 2 kg ball moving at 3 m/s, what's its momentum", "problem", "momentum", facet="compute"),
    _M(
        "how much heat to warm 2 kg of water by 10 degrees",
        "problem",
        "specific-heat-latent-heat",
        facet="compute",
    ),
    _M(
        "a gas at 300 K and 100 kPa is heated to 600 K at constant volume, new pressure?",
        "problem",
        "ideal-gas-law",
        facet="compute",
    ),
    _M(
        "a 0.5 kg mass on a spring with k = 200 N/m, find the period of oscillation",
        "problem",
        "simple-harmonic-motion",
        facet="compute",
    ),
    _M(
        "a ball thrown horizontally at 15 m/s from a 20 m cliff, where does it land",
        "problem",
        "projectile-motion",
        facet="compute",
    ),
    _M(
        "two 1 microcoulomb charges 10 cm apart, what force between them",
        "problem",
        "coulombs-law",
        facet="compute",
    ),
    _M(
        "a 4 ohm and 6 ohm resistor in parallel, total resistance?",
        "problem",
        "series-parallel-circuits",
        facet="compute",
    ),
    _M(
        "a lens with focal length 10 cm and object at 30 cm, where is the image",
        "problem",
        "thin-lenses",
        facet="compute",
    ),
    _M(
        "a 100 W bulb runs for 5 hours, how much energy does it use",
        "problem",
        "power",
        facet="compute",
    ),
    _M(
        "a car going round a 50 m radius bend at 20 m/s, what is its centripetal acceleration",
        "problem",
        "uniform-circular-motion",
        facet="compute",
    ),
    _M(
        "an electron is accelerated through 100 V, what is its de broglie wavelength",
        "problem",
        "de-broglie-wavelength",
        facet="compute",
    ),
    _M(
        "a sample has 800 atoms and a half life of 2 hours, how many are left after 6 hours",
        "problem",
        "radioactive-decay",
        facet="compute",
    ),
    _M(
        "a 5 N force pushes a box 3 m along the floor, how much work is done",
        "problem",
        "work",
        facet="compute",
    ),
    _M(
        "a 50 kg skater pushes off a 70 kg skater from rest, if she moves at 1.4 m/s how fast "
        "does he move",
        "problem",
        "momentum",
        facet="compute",
    ),
    _M("a 2 kg mass hangs from a rope, what is the tension", "problem", "tension", facet="compute"),
    _M(
        "a car brakes from 20 m/s to rest in 4 s, how far does it travel",
        "problem",
        "suvat-equations",
        facet="compute",
    ),
    _M(
        "what is the energy of a photon of wavelength 500 nm", "problem", "photons", facet="compute"
    ),
    # off-syllabus physics (not in the notes)
    _M("what is a white dwarf", "concept", covered=False),
    _M(
        "how does a nuclear reactor control its chain reaction",
        "concept",
        covered=False,
        facet="why",
    ),
    _M("what is the casimir effect", "concept", covered=False),
    _M("explain magnetic monopoles", "concept", covered=False),
    _M("what is supersymmetry", "concept", covered=False),
    _M("what is the strong nuclear force", "concept", covered=False),
    _M("how do neutron stars form", "concept", covered=False, facet="why"),
    _M("what is quantum chromodynamics", "concept", covered=False),
    _M("what is the hall effect", "concept", covered=False),
    _M("explain the zeeman effect", "concept", covered=False),
    _M("what is a laser and how does stimulated emission work", "concept", covered=False),
    _M("what is the meissner effect", "concept", covered=False),
    _M(
        "how do gravitational lenses bend light from galaxies",
        "concept",
        covered=False,
        facet="why",
    ),
    _M("what is the pauli exclusion principle", "concept", covered=False),
    _M("what is dark energy", "concept", covered=False),
    _M("explain the twin paradox in general relativity", "concept", covered=False),
    _M("what are cosmic rays", "concept", covered=False),
    _M("what is a piezoelectric crystal", "concept", covered=False),
    _M("how does an mri scanner use nuclear magnetic resonance", "concept", covered=False),
    _M("what is the venturi effect", "concept", covered=False),
    _M("a 3 m tall column of mercury, what pressure at the base", "problem", covered=False),
    _M("how much buoyant force acts on a 2 m^3 submerged block", "problem", covered=False),
    # follow-ups on the chat's topic, with the facet asked
    _M("why does it happen", "concept", context="doppler-effect", facet="why"),
    _M("where is it used", "concept", context="total-internal-reflection", facet="applications"),
    _M("how do i calculate it", "concept", context="kinetic-energy", facet="compute"),
    _M("and what's the formula", "concept", context="momentum", facet="compute"),
    _M("is that always true", "concept", context="energy-conservation", facet="misconception"),
    _M("why though", "concept", context="newtons-third-law", facet="why"),
    _M("what is it used for", "concept", context="capacitance", facet="applications"),
    _M("how would i work that out", "concept", context="power", facet="compute"),
    _M(
        "what do people get wrong about it",
        "concept",
        context="newtons-first-law",
        facet="misconception",
    ),
    _M("where would i see this", "example", context="resonance", facet="applications"),
    # hints on a task
    _M("can i get a hint", "concept", context="free-fall", facet="hint"),
    _M("what's the first step", "concept", context="suvat-equations", facet="hint"),
    _M("i'm stuck on this task", "concept", context="momentum", facet="hint"),
    _M("which formula do i need here", "concept", context="ohms-law", facet="hint"),
    _M("give me a hint please", "concept", context="kinetic-energy", facet="hint"),
    _M("what should i do next", "concept", context="projectile-motion", facet="hint"),
)

MESSAGES: tuple[LabelledMessage, ...] = (
    *_GREETINGS,
    *_OFF_TOPIC,
    *_CONCEPT_QUESTIONS,
    *_PROBLEMS,
    *_EXAMPLE_REQUESTS,
    *_SIMPLER_REQUESTS,
    *_RETRIES,
    *_UNCOVERED,
)

# The flow the tutor must handle, in order, in one chat.
QUANTUM_COHERENCE_FLOW: tuple[LabelledMessage, ...] = (
    _M("what is quantum coherence", "concept", "quantum-coherence"),
    _M("give me an example", "example", context="quantum-coherence"),
    _M("explain it more simply", "simpler", context="quantum-coherence"),
    _M("try again", "retry", context="quantum-coherence"),
)

# Added after the split was frozen, to the calibration half only (so the test half never
# moves): more off-syllabus physics as students ask it — topics the notes have no entry for,
# many sharing words with one that they do ("nuclear magnetic resonance", "escape velocity") —
# and covered questions of the same shapes, so a stricter refusal is paid for where it costs.
_CALIBRATION_ONLY: tuple[LabelledMessage, ...] = (
    _M("what is general relativity", "concept", covered=False),
    _M("how does gravity bend spacetime", "concept", covered=False),
    _M("explain string theory in simple terms", "concept", covered=False),
    _M("why do semiconductors have a band gap", "concept", covered=False),
    _M("whats the band gap of silicon", "concept", covered=False),
    _M("how does a transistor work", "concept", covered=False),
    _M("how does a diode only let current through one way", "concept", covered=False),
    _M("how does a nuclear fission reactor work", "concept", covered=False),
    _M("what do control rods do in a reactor", "concept", covered=False),
    _M("how does fusion power the sun", "concept", covered=False),
    _M("what is the event horizon of a black hole", "concept", covered=False),
    _M("what happens when a star goes supernova", "concept", covered=False),
    _M("what is the big bang theory", "concept", covered=False),
    _M("why is the universe expanding", "concept", covered=False),
    _M("what does hubbles law say", "concept", covered=False),
    _M("explain bernoullis principle", "concept", covered=False),
    _M("why do ships float, is it archimedes principle", "concept", covered=False),
    _M("what is viscosity", "concept", covered=False),
    _M("what does the reynolds number tell you", "concept", covered=False),
    _M("what are quarks", "concept", covered=False),
    _M("what is antimatter", "concept", covered=False),
    _M("how does the large hadron collider work", "concept", covered=False),
    _M("what is the standard model of particle physics", "concept", covered=False),
    _M("what is a neutrino", "concept", covered=False),
    _M("how do superconductors make magnets levitate", "concept", covered=False),
    _M("are wormholes real", "concept", covered=False),
    _M("what is black body radiation", "concept", covered=False),
    _M("how does the greenhouse effect work", "concept", covered=False),
    _M("what is the weak interaction", "concept", covered=False),
    _M("how does heat conduction work in metals", "concept", covered=False),
    _M("what is convection", "concept", covered=False),
    _M("why is iron ferromagnetic", "concept", covered=False),
    _M("what is doping in semiconductors", "concept", covered=False),
    _M("what is the fermi energy", "concept", covered=False),
    _M("how do pulsars spin so fast", "concept", covered=False),
    _M("what is escape velocity", "concept", covered=False),
    _M("what is the schwarzschild radius", "concept", covered=False),
    _M("what is quantum field theory", "concept", covered=False),
    _M("how do aeroplane wings generate lift", "concept", covered=False),
    _M("what is a tokamak", "concept", covered=False),
    _M("what is the chandrasekhar limit", "concept", covered=False),
    _M("why is the sky blue", "concept", covered=False),
    _M("what is superfluid helium", "concept", covered=False),
    _M("what causes the northern lights", "concept", covered=False),
    _M("what is moment of inertia", "concept", covered=False),
    _M("how do you measure the distance to a star with parallax", "concept", covered=False),
    _M("what is impedance in an ac circuit", "concept", covered=False),
    _M("what is nuclear magnetic resonance", "concept", covered=False),
    _M("explain the compton effect", "concept", covered=False),
    _M("what is the stefan boltzmann law", "concept", covered=False),
    _M("what is a dielectric", "concept", covered=False),
    _M("what is thermal expansion", "concept", covered=False),
    _M("what is the equivalence principle", "concept", covered=False),
    _M("why doesnt a spinning top fall over", "concept", covered=False),
    _M("what is a quantum computer error correction code", "concept", covered=False),
    _M("how do solar panels turn light into electricity", "concept", covered=False),
    _M("what is a p-n junction", "concept", covered=False),
    _M("what is the photon sphere around a black hole", "concept", covered=False),
    _M("what are gravitational waves made of", "concept", covered=False),
    _M("what is the pressure inside a fluid at depth", "concept", covered=False),
    _M("what is magnetic hysteresis", "concept", covered=False),
    _M("what is a mass spectrometer", "concept", covered=False),
    _M("why do planets have magnetic fields", "concept", covered=False),
    _M("how does an mri scanner work", "concept", covered=False),
    _M("what is the speed of sound in a solid", "concept", covered=False),
    _M("what are the four fundamental forces", "concept", covered=False),
    _M(
        "a block of wood with density 600 kg/m^3 floats in water, what fraction is under",
        "problem",
        covered=False,
    ),
    _M("find the buoyant force on a 0.5 m^3 rock fully under water", "problem", covered=False),
    _M(
        "a hydraulic lift has pistons of area 0.01 m^2 and 0.5 m^2, what force lifts a 1000 kg car",
        "problem",
        covered=False,
    ),
    _M(
        "water leaves a hose at 2 m/s and the nozzle halves the area, how fast does it come out",
        "problem",
        covered=False,
    ),
    _M("find the escape velocity from the earths surface", "problem", covered=False),
    _M("schwarzschild radius of a black hole of 10 solar masses?", "problem", covered=False),
    _M(
        "a steel rod 1 m long is heated by 50 K, how much does it expand if alpha is 12e-6 per K",
        "problem",
        covered=False,
    ),
    _M(
        "how much heat goes through a 2 m^2 window 5 mm thick with 20 K across it, k = 0.8",
        "problem",
        covered=False,
    ),
    _M(
        "a disc with moment of inertia 2 kg m^2 spins at 10 rad/s, find its angular momentum",
        "problem",
        covered=False,
    ),
    _M("a star has a parallax of 0.1 arcseconds, how far away is it", "problem", covered=False),
    _M(
        "drag force on a car at 30 m/s with drag coefficient 0.3 and frontal area 2 m^2",
        "problem",
        covered=False,
    ),
    _M(
        "a 1 GW reactor runs for a day, how many uranium fissions is that at 200 MeV each",
        "problem",
        covered=False,
    ),
    # Covered, in the same shapes.
    _M("what is time dilation", "concept", "special-relativity"),
    _M("why does a moving clock tick slower", "concept", "special-relativity", facet="why"),
    _M("what is binding energy", "concept", "mass-energy-equivalence"),
    _M("how much energy is in 1 g of mass", "problem", "mass-energy-equivalence"),
    _M("what is redshift", "concept", "doppler-effect"),
    _M("how does carbon dating work", "concept", "radioactive-decay", facet="why"),
    _M("what is a half life", "concept", "radioactive-decay"),
    _M("how do optical fibres carry light", "concept", "total-internal-reflection", facet="why"),
    _M("how does a transformer work", "concept", "electromagnetic-induction", facet="why"),
    _M("what is a qubit", "concept", "quantum-superposition"),
    _M("how does a fridge move heat out", "concept", "heat-engines", facet="why"),
    _M("what is absolute zero", "concept", "temperature-thermal-equilibrium"),
    _M("whats the difference between a fermion and a boson", "concept", "quantum-spin"),
    _M("what did the stern gerlach experiment show", "concept", "quantum-spin"),
    _M("what is the epr paradox", "concept", "quantum-entanglement"),
    _M("how does a scanning tunnelling microscope work", "concept", "quantum-tunnelling"),
    _M("what is zero point energy", "concept", "particle-in-a-box"),
    _M("why can electron microscopes see smaller things", "concept", "de-broglie-wavelength"),
    _M("what is the work function of a metal", "concept", "photoelectric-effect"),
    _M("whats the rc time constant", "concept", "capacitance"),
    _M("what are kirchhoffs rules", "concept", "series-parallel-circuits"),
    _M("how do polarised sunglasses cut glare", "concept", "polarisation", facet="why"),
    _M("why do diamonds sparkle so much", "concept", "total-internal-reflection", facet="why"),
    _M("what does a diffraction grating do", "concept", "diffraction"),
    _M("what is the critical angle", "concept", "total-internal-reflection"),
    _M("what is the focal length of a lens", "concept", "thin-lenses"),
    _M("what are nodes and antinodes", "concept", "standing-waves"),
    _M("why does a siren change pitch as it goes past", "concept", "doppler-effect", facet="why"),
    _M("what does damping do to an oscillation", "concept", "resonance"),
    _M("what is a decibel", "concept", "sound-intensity-decibels"),
    _M("what is latent heat", "concept", "specific-heat-latent-heat"),
    _M("what is an adiabatic process", "concept", "first-law-thermodynamics"),
    _M("what is the carnot efficiency", "concept", "heat-engines"),
    _M("what is brownian motion evidence of", "concept", "kinetic-theory-gases"),
    _M("why are race track corners banked", "concept", "centripetal-force", facet="why"),
    _M("how does an atwood machine work", "concept", "tension", facet="why"),
    _M("what is the normal force", "concept", "free-body-diagrams"),
    _M("how do crumple zones keep you safe", "concept", "impulse", facet="why"),
    _M("what is the coefficient of restitution", "concept", "collisions"),
    _M("what is a kilowatt hour", "concept", "power"),
    _M("what is the work energy theorem", "concept", "work"),
    _M("what is mechanical energy", "concept", "energy-conservation"),
    _M("what is a maclaurin series", "concept", "taylor-small-angle"),
    _M("how do you resolve a force into components", "concept", "vectors-components"),
    _M("what is the fundamental theorem of calculus", "concept", "integral"),
    _M(
        "a 2 kg ball is dropped from 20 m, how fast is it going at the ground",
        "problem",
        "free-fall",
    ),
    _M("how long does a stone take to fall 45 m", "problem", "free-fall"),
    _M(
        "a 1200 kg car goes round a 50 m radius bend at 20 m/s, what friction force is needed",
        "problem",
        "centripetal-force",
    ),
    _M(
        "energy to heat 2 kg of water from 20 to 100 degrees?",
        "problem",
        "specific-heat-latent-heat",
    ),
    _M(
        "3 ohm and 6 ohm resistors in parallel, total resistance?",
        "problem",
        "series-parallel-circuits",
    ),
    _M(
        "a satellite orbits 400 km above the earth, how fast does it go",
        "problem",
        "gravitation-orbits",
    ),
    _M("two 1 C charges are 1 m apart, what's the force between them", "problem", "coulombs-law"),
    _M(
        "a spring with k = 200 N/m is stretched 0.1 m, how much energy is stored",
        "problem",
        "potential-energy",
    ),
    _M("a pendulum is 1 m long, what is its period", "problem", "simple-harmonic-motion"),
    _M(
        "a guitar string is 0.65 m long, wavelength of the fundamental?",
        "problem",
        "standing-waves",
    ),
    _M("what's the energy of a photon of 500 nm light", "problem", "photons"),
    _M(
        "why does ice melt without getting warmer",
        "concept",
        "specific-heat-latent-heat",
        facet="why",
    ),
    _M(
        "why do you get pushed back into your seat when a car speeds up",
        "concept",
        "newtons-first-law",
        facet="why",
    ),
    _M(
        "why do astronauts float in the space station", "concept", "gravitation-orbits", facet="why"
    ),
    _M(
        "why is a truck harder to stop than a bike at the same speed",
        "concept",
        "momentum",
        facet="why",
    ),
    _M("where is resonance used in real life", "concept", "resonance", facet="applications"),
    _M("why can't a heat engine be 100% efficient", "concept", "heat-engines", facet="why"),
)

# Hard cases, written (before any model was fitted on them) to study a learnt refusal:
# off-syllabus topics next to covered ones, some sharing a note's name ("kirchhoffs law of
# thermal radiation", "newtons law of cooling", "third law of thermodynamics"), and covered
# questions asked through everyday situations (16 of these 90 have no right note among the
# three retrieved). They are not in the calibration half: with them the calibration chooses
# its operating point by their mix, refusing half the off-syllabus questions (README, tutor
# quality). Like the calibration half, they never overlap the frozen test half (a test checks).
HARD_CASES: tuple[LabelledMessage, ...] = (
    _M("why does a figure skater spin faster when she pulls her arms in", "concept", covered=False),
    _M("what is angular momentum and when is it conserved", "concept", covered=False),
    _M("what is youngs modulus", "concept", covered=False),
    _M("what does the coriolis effect do to hurricanes", "concept", covered=False),
    _M("whats the magnetic field inside a solenoid", "concept", covered=False),
    _M("what is self inductance", "concept", covered=False),
    _M("what is terminal velocity", "concept", covered=False),
    _M("what is a fourier series", "concept", covered=False),
    _M("what is a partial derivative", "concept", covered=False),
    _M("how do you use the product rule", "concept", covered=False),
    _M("how does integration by parts work", "concept", covered=False),
    _M("what are eigenvalues in quantum mechanics", "concept", covered=False),
    _M("what is the divergence of a vector field", "concept", covered=False),
    _M("what is the magnus effect on a spinning ball", "concept", covered=False),
    _M("how do you find the centre of mass of an object", "concept", covered=False),
    _M("what is angular acceleration", "concept", covered=False),
    _M("how does a gyroscope stay upright", "concept", covered=False),
    _M("what is the heat death of the universe", "concept", covered=False),
    _M("what is thermal conductivity", "concept", covered=False),
    _M("what is an electric dipole", "concept", covered=False),
    _M("what does gauss's law say", "concept", covered=False),
    _M("what is a wheatstone bridge", "concept", covered=False),
    _M("what is the internal resistance of a battery", "concept", covered=False),
    _M("what causes beats when two notes are nearly the same", "concept", covered=False),
    _M("how do bats use echolocation", "concept", covered=False),
    _M("how does a concave mirror focus light", "concept", covered=False),
    _M("what is chromatic aberration", "concept", covered=False),
    _M("why do soap bubbles have rainbow colours", "concept", covered=False),
    _M("what is the rydberg constant", "concept", covered=False),
    _M("what is pair production", "concept", covered=False),
    _M("what is the critical mass of uranium", "concept", covered=False),
    _M("what is the triple point of water", "concept", covered=False),
    _M("how does a thermos flask keep tea hot", "concept", covered=False),
    _M("why does a pressure cooker cook food faster", "concept", covered=False),
    _M("what are maxwells equations", "concept", covered=False),
    _M("what is kirchhoffs law of thermal radiation", "concept", covered=False),
    _M("what is newtons law of cooling", "concept", covered=False),
    _M("how does a faraday cage block signals", "concept", covered=False),
    _M("what is the third law of thermodynamics", "concept", covered=False),
    _M("what is rolling resistance", "concept", covered=False),
    _M("what is the poynting vector", "concept", covered=False),
    _M("what is relativistic momentum", "concept", covered=False),
    _M("what is the principle of least action", "concept", covered=False),
    _M("what is a hamiltonian", "concept", covered=False),
    _M(
        "a solenoid with 500 turns per metre carries 3 A, what is the field inside",
        "problem",
        covered=False,
    ),
    _M(
        "what is the magnetic field 2 cm from a long straight wire carrying 5 A",
        "problem",
        covered=False,
    ),
    _M(
        "a diver is 15 m under the sea, what is the water pressure on her", "problem", covered=False
    ),
    _M(
        "two tuning forks of 256 Hz and 260 Hz sound together, what is the beat frequency",
        "problem",
        covered=False,
    ),
    _M(
        "an inductor of 0.2 H has its current change by 3 A in 0.1 s, what emf is induced",
        "problem",
        covered=False,
    ),
    _M(
        "a concave mirror with focal length 20 cm, object at 30 cm, image distance?",
        "problem",
        covered=False,
    ),
    _M(
        "a cup of tea at 80 C cools to 60 C in 5 min in a 20 C room, when does it reach 40 C",
        "problem",
        covered=False,
    ),
    _M(
        "a 70 kg skydiver falls with drag force 0.25 v^2, what is her terminal velocity",
        "problem",
        covered=False,
    ),
    _M(
        "find the centre of mass of a 2 kg mass at x = 0 and a 3 kg mass at x = 5 m",
        "problem",
        covered=False,
    ),
    _M(
        "a wheel speeds up from 10 rad/s to 30 rad/s in 4 s, find its angular acceleration",
        "problem",
        covered=False,
    ),
    # …and covered questions phrased through everyday situations, typos and problems.
    _M("whats the area under a speed time graph mean", "concept", "motion-graphs"),
    _M(
        "how come a dropped bullet and a fired bullet land at the same time",
        "concept",
        "projectile-motion",
        facet="why",
    ),
    _M("what angle do you throw at to go furthest", "concept", "projectile-motion"),
    _M(
        "why does water stay in a bucket swung in a vertical circle",
        "concept",
        "centripetal-force",
        facet="why",
    ),
    _M(
        "why is it easier to open a door if you push far from the hinges",
        "concept",
        "torque",
        facet="why",
    ),
    _M("how does a seesaw balance with a heavy and a light kid", "concept", "torque", facet="why"),
    _M("why do you lurch forward when the bus brakes", "concept", "newtons-first-law", facet="why"),
    _M(
        "how does a rocket move in space if theres nothing to push against",
        "concept",
        "newtons-third-law",
        facet="why",
    ),
    _M("if i double my speed what happens to my kinetic energy", "concept", "kinetic-energy"),
    _M("why is there a half in 1/2 mv^2", "concept", "kinetic-energy", facet="why"),
    _M(
        "where does the energy go when a ball stops bouncing",
        "concept",
        "energy-conservation",
        facet="why",
    ),
    _M(
        "why does a hot drink cool to room temperature",
        "concept",
        "temperature-thermal-equilibrium",
        facet="why",
    ),
    _M("how fast do air molecules actually move", "concept", "kinetic-theory-gases"),
    _M(
        "why does a bike pump get hot when you pump",
        "concept",
        "first-law-thermodynamics",
        facet="why",
    ),
    _M("why does a balloon shrink in the freezer", "concept", "ideal-gas-law", facet="why"),
    _M(
        "how can a heat pump put out more heat than the electricity it uses",
        "concept",
        "heat-engines",
        facet="why",
    ),
    _M("what actually is a volt", "concept", "electric-potential"),
    _M(
        "why dont birds get electrocuted sitting on power lines",
        "concept",
        "electric-potential",
        facet="why",
    ),
    _M("what does a capacitor actually store", "concept", "capacitance"),
    _M(
        "why do two balloons rubbed on your hair push apart", "concept", "coulombs-law", facet="why"
    ),
    _M("how does an induction hob heat a pan", "concept", "electromagnetic-induction", facet="why"),
    _M(
        "why does a magnet fall slowly down a copper pipe",
        "concept",
        "electromagnetic-induction",
        facet="why",
    ),
    _M("what does the refractive index tell you", "concept", "refraction-snells-law"),
    _M(
        "why does a pool look shallower than it really is",
        "concept",
        "refraction-snells-law",
        facet="why",
    ),
    _M("how do noise cancelling headphones work", "concept", "wave-interference", facet="why"),
    _M("why can a singer shatter a wine glass", "concept", "resonance", facet="why"),
    _M("why do soldiers break step crossing a bridge", "concept", "resonance", facet="why"),
    _M("how much louder is 10 dB more", "concept", "sound-intensity-decibels"),
    _M(
        "why can you hear round a corner but not see round it",
        "concept",
        "diffraction",
        facet="why",
    ),
    _M(
        "why does uv give you sunburn but radio waves dont",
        "concept",
        "photons",
        also="electromagnetic-spectrum",
        facet="why",
    ),
    _M("how can an electron have a wavelength", "concept", "de-broglie-wavelength"),
    _M("what does psi squared tell you", "concept", "wavefunction-born-rule"),
    _M("can something be in two states at the same time", "concept", "quantum-superposition"),
    _M(
        "why do quantum computers lose their information so fast",
        "concept",
        "decoherence",
        facet="why",
    ),
    _M("can you ever know exactly where an electron is", "concept", "uncertainty-principle"),
    _M(
        "how does an alpha particle get out of the nucleus",
        "concept",
        "quantum-tunnelling",
        facet="why",
    ),
    _M(
        "can two particles affect each other from across the universe",
        "concept",
        "quantum-entanglement",
    ),
    _M(
        "why are the energies of a trapped particle quantised",
        "concept",
        "particle-in-a-box",
        facet="why",
    ),
    _M(
        "why do atoms only give off certain colours of light",
        "concept",
        "atomic-energy-levels",
        facet="why",
    ),
    _M("why cant anything go faster than light", "concept", "special-relativity", facet="why"),
    _M("slope of a curve at a point?", "concept", "derivative"),
    _M("how do i find the area under y = x^2 from 0 to 3", "problem", "integral"),
    _M("how do i differentiate sin(x^2)", "concept", "chain-rule", facet="compute"),
    _M(
        "why can you use theta instead of sin theta for a pendulum",
        "concept",
        "taylor-small-angle",
        facet="why",
    ),
    _M("how do i add two forces at right angles", "concept", "vectors-components", facet="compute"),
    _M(
        "how do you get the angle between two vectors",
        "concept",
        "dot-cross-product",
        facet="compute",
    ),
    _M("what is an ode", "concept", "differential-equations"),
    _M("why does a car skid on ice", "concept", "friction", facet="why"),
    _M("why do you need friction to walk", "concept", "friction", facet="why"),
    _M("how hard does the floor push up on me", "concept", "free-body-diagrams"),
    _M("what keeps satellites up", "concept", "gravitation-orbits"),
    _M(
        "how much work do i do carrying a bag up the stairs",
        "concept",
        "work",
        also="potential-energy",
    ),
    _M("why does a gun kick back when fired", "concept", "momentum", facet="why"),
    _M("how do airbags stop you getting hurt", "concept", "impulse", facet="why"),
    _M("what does elastic mean in a collision", "concept", "collisions"),
    _M("how does a mass bounce on a spring", "concept", "simple-harmonic-motion"),
    _M("what does it mean for a wave to be transverse", "concept", "wave-speed"),
    _M(
        "why does a guitar string only play certain notes", "concept", "standing-waves", facet="why"
    ),
    _M("why is the light from far galaxies redder", "concept", "doppler-effect", facet="why"),
    _M("whats specfic heat capacity", "concept", "specific-heat-latent-heat"),
    _M("what does equal and oposite mean in newtons third law", "concept", "newtons-third-law"),
    _M("resistance formula?", "concept", "ohms-law", facet="compute"),
    _M("kirchoffs current law", "concept", "series-parallel-circuits"),
    _M("whats the law of gravity", "concept", "gravitation-orbits"),
    _M(
        "newtons cradle, why does one ball come out the other side",
        "concept",
        "momentum",
        also="collisions",
        facet="why",
    ),
    _M("how does a polaroid filter work", "concept", "polarisation", facet="why"),
    _M("what is a virtual image in a mirror", "concept", "reflection"),
    _M(
        "why does an electric field point away from a positive charge",
        "concept",
        "electric-field",
        facet="why",
    ),
    _M(
        "a 0.2 kg ball hits a wall at 10 m/s and bounces back at 8 m/s, find the impulse",
        "problem",
        "impulse",
    ),
    _M("how many joules does a 60 W bulb use in 2 hours", "problem", "power"),
    _M(
        "a 2 kg trolley at 3 m/s hits a 1 kg trolley at rest and they stick together, final speed?",
        "problem",
        "collisions",
        also="momentum",
    ),
    _M("wavelength of an electron moving at 2e6 m/s?", "problem", "de-broglie-wavelength"),
    _M("a photon has 3 eV of energy, whats its frequency", "problem", "photons"),
    _M("a 10 uF capacitor is charged to 12 V, how much charge is on it", "problem", "capacitance"),
    _M(
        "a 0.3 m wire carries 5 A at right angles to a 0.1 T field, what force acts on it",
        "problem",
        "magnetic-force",
    ),
    _M(
        "a transformer has 100 turns on the primary and 500 on the secondary, 230 V in, what "
        "comes out",
        "problem",
        "electromagnetic-induction",
    ),
    _M(
        "starting from rest with 2 m/s^2 acceleration, how far does a car go in 5 s",
        "problem",
        "suvat-equations",
    ),
    _M(
        "a ball is launched at 20 m/s at 45 degrees, how far away does it land",
        "problem",
        "projectile-motion",
    ),
    _M(
        "light enters glass at 40 degrees to the normal, n = 1.5, angle of refraction?",
        "problem",
        "refraction-snells-law",
    ),
    _M(
        "an object is 20 cm from a lens of focal length 15 cm, where is the image",
        "problem",
        "thin-lenses",
    ),
    _M("how many times more intense is 80 dB than 60 dB", "problem", "sound-intensity-decibels"),
    _M(
        "an engine works between 500 K and 300 K, what is its maximum efficiency",
        "problem",
        "heat-engines",
    ),
    _M(
        "energy needed to melt 0.5 kg of ice if the latent heat is 334 kJ/kg",
        "problem",
        "specific-heat-latent-heat",
    ),
    _M("a 1000 kg car at 20 m/s, how much kinetic energy", "problem", "kinetic-energy"),
    _M(
        "lift a 5 kg box 2 m, how much potential energy does it gain", "problem", "potential-energy"
    ),
    _M(
        "a plane flies at 200 m/s into a 30 m/s headwind, ground speed?",
        "problem",
        "relative-velocity",
    ),
    _M(
        "a 1 kg mass on a 2 m string swings in a circle at 4 m/s, tension?",
        "problem",
        "centripetal-force",
        also="tension",
    ),
    _M("a 30 N force acts 2 m from a pivot, what is the torque", "problem", "torque"),
    _M("how much work to push a box 10 m with 50 N", "problem", "work"),
    _M(
        "what is the acceleration of a 5 kg block pushed with 20 N on a frictionless floor",
        "problem",
        "newtons-second-law",
    ),
)

# The quality set: every labelled message, and its two fixed halves.
QUALITY_SET: tuple[LabelledMessage, ...] = (*MESSAGES, *_STUDENT_STYLE)
CALIBRATION_HALF: tuple[LabelledMessage, ...] = (
    *(m for m in QUALITY_SET if m.half == "calibration"),
    *_CALIBRATION_ONLY,
)
TEST_HALF: tuple[LabelledMessage, ...] = tuple(m for m in QUALITY_SET if m.half == "test")
