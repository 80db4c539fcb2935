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
    _M("how does integration give the area under a curve", "concept", "integral"),
    _M("chain rule??", "concept", "chain-rule"),
    _M("why is sin x about equal to x for small angles", "concept", "taylor-small-angle"),
    _M("how do i split a vector into components", "concept", "vectors-components"),
    _M(
        "whats the difference between the dot product and the cross product",
        "concept",
        "dot-cross-product",
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
    ),
    _M(
        "what's the difference between speed and velocity",
        "concept",
        "displacement-velocity-acceleration",
    ),
    _M("what does the slope of a velocity time graph tell you", "concept", "motion-graphs"),
    _M("can you explain the suvat equations", "concept", "suvat-equations"),
    _M("do heavy things fall faster than light things", "concept", "free-fall"),
    _M("how does projectile motion work", "concept", "projectile-motion"),
    _M("relative velocity explained pls", "concept", "relative-velocity"),
    _M(
        "why is there acceleration in circular motion if the speed is constant",
        "concept",
        "uniform-circular-motion",
    ),
    # dynamics
    _M("what is inertia", "concept", "newtons-first-law"),
    _M("explain newtons 2nd law", "concept", "newtons-second-law"),
    _M("F=ma meaning", "concept", "newtons-second-law"),
    _M("if i push a wall does the wall push back?", "concept", "newtons-third-law"),
    _M("how do you draw a free body diagram", "concept", "free-body-diagrams"),
    _M("static vs kinetic friction", "concept", "friction"),
    _M("what is tension in a rope", "concept", "tension"),
    _M("what provides the centripetal force for a car on a bend", "concept", "centripetal-force"),
    _M("why doesnt the moon fall into the earth", "concept", "gravitation-orbits"),
    _M("what is torque", "concept", "torque"),
    # energy and momentum
    _M("what counts as work in physics", "concept", "work"),
    _M("kinetic energy formula?", "concept", "kinetic-energy"),
    _M("explain gravitational potential energy", "concept", "potential-energy"),
    _M("is energy always conserved", "concept", "energy-conservation"),
    _M("whats the difference between power and energy", "concept", "power"),
    _M("conservation of momentum", "concept", "momentum"),
    _M("what is impulse", "concept", "impulse"),
    _M("elastic vs inelastic collision", "concept", "collisions"),
    # waves
    _M("what is simple harmonic motion", "concept", "simple-harmonic-motion"),
    _M("how are wave speed, frequency and wavelength related", "concept", "wave-speed"),
    _M("what is constructive and destructive interference", "concept", "wave-interference"),
    _M("how do standing waves form on a guitar string", "concept", "standing-waves"),
    _M("why does an ambulance siren change pitch as it goes past", "concept", "doppler-effect"),
    _M("how do decibels work", "concept", "sound-intensity-decibels"),
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
    _M("why cant a heat engine be 100% efficient", "concept", "heat-engines"),
    # electromagnetism
    _M("coulombs law", "concept", "coulombs-law"),
    _M("what is an electric field", "concept", "electric-field"),
    _M("what is voltage really", "concept", "electric-potential"),
    _M("how does a capacitor store energy", "concept", "capacitance"),
    _M("ohms law", "concept", "ohms-law"),
    _M("how do resistors in parallel add up", "concept", "series-parallel-circuits"),
    _M(
        "why does a current carrying wire feel a force in a magnetic field",
        "concept",
        "magnetic-force",
    ),
    _M("how does a generator make electricity", "concept", "electromagnetic-induction"),
    _M("lenz's law?", "concept", "electromagnetic-induction"),
    # optics
    _M("why does angle of incidence equal angle of reflection", "concept", "reflection"),
    _M("why does a straw look bent in a glass of water", "concept", "refraction-snells-law"),
    _M("how do optical fibres work", "concept", "total-internal-reflection"),
    _M("how does a convex lens form an image", "concept", "thin-lenses"),
    _M("what is diffraction", "concept", "diffraction"),
    _M("how do polarized sunglasses work", "concept", "polarisation"),
    _M("what is the electromagnetic spectrum", "concept", "electromagnetic-spectrum"),
    # modern physics
    _M("explain the photoelectric effect", "concept", "photoelectric-effect"),
    _M("what is a photon", "concept", "photons"),
    _M("de broglie wavelength??", "concept", "de-broglie-wavelength"),
    _M("what does half life mean", "concept", "radioactive-decay"),
    _M("why does time slow down when you move really fast", "concept", "special-relativity"),
    _M("e=mc^2 what does it actually mean", "concept", "mass-energy-equivalence"),
    _M(
        "why do atoms only give off light at specific colours",
        "concept",
        "atomic-energy-levels",
    ),
    # quantum physics
    _M("what is quantum coherence", "concept", "quantum-coherence"),
    _M("whats quantum cohrence", "concept", "quantum-coherence"),
    _M("can you explain quantum coherence to me", "concept", "quantum-coherence"),
    _M("Quantum coherence?", "concept", "quantum-coherence"),
    _M("is light a wave or a particle", "concept", "wave-particle-duality"),
    _M("what is the born rule", "concept", "wavefunction-born-rule"),
    _M("what does the wave function actually represent", "concept", "wavefunction-born-rule"),
    _M("superposition in quantum mechanics?", "concept", "quantum-superposition"),
    _M("explain schrodingers cat", "concept", "quantum-superposition"),
    _M("what causes decoherence", "concept", "decoherence"),
    _M("heisenberg uncertainty principle explained", "concept", "uncertainty-principle"),
    _M("how can a particle go through a wall? quantum tunneling", "concept", "quantum-tunnelling"),
    _M("what is quantum entanglment", "concept", "quantum-entanglement"),
    _M("what is electron spin", "concept", "quantum-spin"),
    _M("why are the energies quantized for a particle in a box", "concept", "particle-in-a-box"),
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
    _M("where do we see resonance in real life", "example", "resonance"),
    _M("any examples of quantum tunnelling in technology", "example", "quantum-tunnelling"),
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
    _M("where would i see this in real life", "example", context="polarisation"),
    _M("like what? give me a concrete case", "example", context="quantum-superposition"),
    _M("how is that used in practice", "example", context="capacitance"),
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
    _M("what causes turbulence in fluids", "concept", covered=False),
    _M("explain bernoulli's principle and how planes fly", "concept", covered=False),
    _M("why do ships float? archimedes principle", "concept", covered=False),
    _M("what is hawking radiation", "concept", covered=False),
    _M("what is dark matter", "concept", covered=False),
    _M("what are quarks and colour charge", "concept", covered=False),
    _M("what is the higgs boson", "concept", covered=False),
    _M("how were gravitational waves detected", "concept", covered=False),
    _M("how does a p-n junction in a semiconductor work", "concept", covered=False),
    _M("what is chaos theory, like the double pendulum", "concept", covered=False),
    _M("what is surface tension", "concept", covered=False),
    _M("what is a bose einstein condensate", "concept", covered=False),
    _M("how do feynman diagrams work", "concept", covered=False),
    _M("why do neutrinos oscillate", "concept", covered=False),
    _M("what is cherenkov radiation", "concept", covered=False),
    _M("what is the cosmic microwave background", "concept", covered=False),
    _M("what is the coriolis effect", "concept", covered=False),
    _M("how do stars make heavy elements like iron", "concept", covered=False),
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
