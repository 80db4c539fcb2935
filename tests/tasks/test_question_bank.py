"""The question bank in content/bank/ is complete, well-formed and physically right.

Every numeric answer is recomputed here from the question's `params` with the physics formula
written out again (independently of the files and of the solution text), and the stored unit is
checked against the dimension of the result. Reads the files only: no database.
"""

import math
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from studysmart.markdown import render_markdown
from tasks.content import ANSWER_KINDS, DIFFICULTIES, load_bank
from tasks.content import TaskSpec as QuestionSpec

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
BANK = load_bank(CONTENT_DIR)
QUESTIONS = BANK.tasks
# The practice topics: those with tasks (the tutor has notes on topics with none yet).
TOPICS = [t for t in BANK.topics if BANK.tasks_of(t.slug)]


def questions_for(topic: str) -> tuple[QuestionSpec, ...]:
    return BANK.tasks_of(topic)


# --- dimensions -------------------------------------------------------------------------------
# A dimension is the exponent vector over the SI base units (m, kg, s, A, K, mol).
Dim = tuple[int, int, int, int, int, int]


def dim(m: int = 0, kg: int = 0, s: int = 0, A: int = 0, K: int = 0, mol: int = 0) -> Dim:
    return (m, kg, s, A, K, mol)


NONE = dim()
LENGTH = dim(m=1)
TIME = dim(s=1)
MASS = dim(kg=1)
SPEED = dim(m=1, s=-1)
ACCELERATION = dim(m=1, s=-2)
FORCE = dim(m=1, kg=1, s=-2)
ENERGY = dim(m=2, kg=1, s=-2)
POWER = dim(m=2, kg=1, s=-3)
MOMENTUM = dim(m=1, kg=1, s=-1)
PRESSURE = dim(m=-1, kg=1, s=-2)
FREQUENCY = dim(s=-1)
CURRENT = dim(A=1)
CHARGE = dim(s=1, A=1)
VOLTAGE = dim(m=2, kg=1, s=-3, A=-1)
FLUX_DENSITY = dim(kg=1, s=-2, A=-1)
TEMPERATURE = dim(K=1)
ENTROPY = dim(m=2, kg=1, s=-2, K=-1)
INTENSITY = dim(kg=1, s=-3)
INVERSE_LENGTH = dim(m=-1)

EV = 1.602176634e-19  # J
# Unit string -> (size of the unit in SI, dimension). Angles are dimensionless (radians = 1).
UNITS: dict[str, tuple[float, Dim]] = {
    "": (1.0, NONE),
    "%": (0.01, NONE),
    "°": (math.pi / 180, NONE),
    "dB": (1.0, NONE),  # a level, compared as a plain number
    "m": (1.0, LENGTH),
    "km": (1e3, LENGTH),
    "cm": (1e-2, LENGTH),
    "mm": (1e-3, LENGTH),
    "nm": (1e-9, LENGTH),
    "s": (1.0, TIME),
    "μs": (1e-6, TIME),
    "min": (60.0, TIME),
    "yr": (365.25 * 86400, TIME),
    "m/s": (1.0, SPEED),
    "km/h": (1 / 3.6, SPEED),
    "m/s²": (1.0, ACCELERATION),
    "N": (1.0, FORCE),
    "kN": (1e3, FORCE),
    "J": (1.0, ENERGY),
    "kJ": (1e3, ENERGY),
    "TJ": (1e12, ENERGY),
    "μJ": (1e-6, ENERGY),
    "eV": (EV, ENERGY),
    "W": (1.0, POWER),
    "kW": (1e3, POWER),
    "kg·m/s": (1.0, MOMENTUM),
    "kPa": (1e3, PRESSURE),
    "Hz": (1.0, FREQUENCY),
    "TBq": (1e12, FREQUENCY),
    "A": (1.0, CURRENT),
    "mA": (1e-3, CURRENT),
    "mC": (1e-3, CHARGE),
    "μC": (1e-6, CHARGE),
    "V": (1.0, VOLTAGE),
    "μT": (1e-6, FLUX_DENSITY),
    "K": (1.0, TEMPERATURE),
    "J/K": (1.0, ENTROPY),
    "W/m²": (1.0, INTENSITY),
    "D": (1.0, INVERSE_LENGTH),
}

P = Mapping[str, float]
Check = Callable[[P], tuple[float, Dim]]


def gamma(beta: float) -> float:
    return 1 / math.sqrt(1 - beta**2)


def _police_chase(p: P) -> tuple[float, Dim]:
    # v t = a/2 (t - td)^2  ->  a/2 t^2 - (a td + v) t + a/2 td^2 = 0, later root
    a2 = p["a"] / 2
    b = -(p["a"] * p["td"] + p["v"])
    c = a2 * p["td"] ** 2
    return (-b + math.sqrt(b * b - 4 * a2 * c)) / (2 * a2), TIME


def _shot_put(p: P) -> tuple[float, Dim]:
    vx, vy = p["v0"] * math.cos(p["theta"]), p["v0"] * math.sin(p["theta"])
    t = (vy + math.sqrt(vy**2 + 2 * p["g"] * p["h"])) / p["g"]
    return vx * t, LENGTH


def _two_lenses(p: P) -> tuple[float, Dim]:
    di1 = 1 / (1 / p["f1"] - 1 / p["do1"])
    do2 = p["D"] - di1
    di2 = 1 / (1 / p["f2"] - 1 / do2)
    return (-di1 / p["do1"]) * (-di2 / do2), NONE


def _compton(p: P) -> tuple[float, Dim]:
    shifted = p["lam"] + p["h"] / (p["me"] * p["c"]) * (1 - math.cos(p["theta"]))
    return p["h"] * p["c"] * (1 / p["lam"] - 1 / shifted), ENERGY


def _loop_bottom(p: P) -> tuple[float, Dim]:
    v_top_sq = p["g"] * p["r"]
    v_bottom_sq = v_top_sq + 4 * p["g"] * p["r"]
    return p["m"] * p["g"] + p["m"] * v_bottom_sq / p["r"], FORCE


EXPECTED: dict[str, Check] = {
    # calculus
    "calculus-velocity-from-quadratic-position": lambda p: (2 * p["A"] * p["t"] + p["B"], SPEED),
    "calculus-velocity-of-sinusoidal-oscillation": lambda p: (
        p["A"] * p["omega"] * math.cos(p["omega"] * p["t"]),
        SPEED,
    ),
    "calculus-displacement-from-linear-velocity": lambda p: (
        p["v0"] * p["T"] + p["a"] * p["T"] ** 2 / 2,
        LENGTH,
    ),
    "calculus-work-stretching-spring-integral": lambda p: (p["k"] * p["x1"] ** 2 / 2, ENERGY),
    "calculus-acceleration-from-cubic-position": lambda p: (
        6 * p["A"] * p["t"] + 2 * p["B"],
        ACCELERATION,
    ),
    "calculus-position-from-velocity-with-initial-value": lambda p: (
        p["x0"] + p["A"] * p["t"] ** 2 / 2 - p["B"] * p["t"] ** 3 / 3,
        LENGTH,
    ),
    "calculus-maximum-height-by-derivative": lambda p: (p["v0"] ** 2 / (2 * p["g"]), LENGTH),
    "calculus-work-of-quadratic-force": lambda p: (
        p["a"] * (p["x2"] ** 3 - p["x1"] ** 3) / 3 + p["b"] * (p["x2"] - p["x1"]),
        ENERGY,
    ),
    "calculus-charge-from-decaying-current": lambda p: (
        p["I0"] * p["tau"] * (1 - math.exp(-p["T"] / p["tau"])),
        CHARGE,
    ),
    "calculus-distance-under-linear-drag": lambda p: ((p["v0"] - p["v1"]) / p["k"], LENGTH),
    "calculus-centre-of-mass-of-nonuniform-rod": lambda p: (
        (p["a"] * p["L"] ** 2 / 2 + p["b"] * p["L"] ** 3 / 3)
        / (p["a"] * p["L"] + p["b"] * p["L"] ** 2 / 2),
        LENGTH,
    ),
    "calculus-energy-from-alternating-current": lambda p: (
        p["I0"] ** 2 * p["R"] / 2 * p["t1"],
        ENERGY,
    ),
    # kinematics
    "kinematics-marathon-average-speed": lambda p: (p["d"] / p["t"], SPEED),
    "kinematics-free-fall-time-from-height": lambda p: (math.sqrt(2 * p["h"] / p["g"]), TIME),
    "kinematics-car-speed-after-acceleration": lambda p: (p["a"] * p["t"], SPEED),
    "kinematics-braking-distance": lambda p: (p["v0"] ** 2 / (2 * p["a"]), LENGTH),
    "kinematics-stopping-distance-with-reaction-time": lambda p: (
        p["v0"] * p["tr"] + p["v0"] ** 2 / (2 * p["a"]),
        LENGTH,
    ),
    "kinematics-horizontal-launch-from-cliff": lambda p: (
        p["v0"] * math.sqrt(2 * p["h"] / p["g"]),
        LENGTH,
    ),
    "kinematics-upward-throw-time-to-ground": lambda p: (
        (p["v0"] + math.sqrt(p["v0"] ** 2 + 2 * p["g"] * p["h"])) / p["g"],
        TIME,
    ),
    "kinematics-boat-crossing-river-drift": lambda p: (p["vc"] * p["w"] / p["vb"], LENGTH),
    "kinematics-projectile-launched-from-height": _shot_put,
    "kinematics-police-car-delayed-chase": _police_chase,
    "kinematics-dropped-and-thrown-balls-meet": lambda p: (
        p["H"] - p["g"] * (p["H"] / p["v0"]) ** 2 / 2,
        LENGTH,
    ),
    "kinematics-sling-release-range": lambda p: (
        2 * math.pi * p["r"] * p["f"] * math.sqrt(2 * p["h"] / p["g"]),
        LENGTH,
    ),
    # dynamics
    "dynamics-net-force-accelerating-car": lambda p: (p["m"] * p["a"], FORCE),
    "dynamics-weight-on-the-moon": lambda p: (p["m"] * p["gM"], FORCE),
    "dynamics-spring-extension-hanging-mass": lambda p: (p["m"] * p["g"] / p["k"], LENGTH),
    "dynamics-kinetic-friction-on-box": lambda p: (p["mu"] * p["m"] * p["g"], FORCE),
    "dynamics-incline-with-friction-acceleration": lambda p: (
        p["g"] * (math.sin(p["theta"]) - p["mu"] * math.cos(p["theta"])),
        ACCELERATION,
    ),
    "dynamics-scale-reading-in-accelerating-lift": lambda p: (p["m"] * (p["g"] + p["a"]), FORCE),
    "dynamics-atwood-machine-acceleration": lambda p: (
        (p["m2"] - p["m1"]) * p["g"] / (p["m1"] + p["m2"]),
        ACCELERATION,
    ),
    "dynamics-maximum-speed-on-flat-curve": lambda p: (
        math.sqrt(p["mu"] * p["g"] * p["r"]),
        SPEED,
    ),
    "dynamics-table-and-hanging-mass-tension": lambda p: (
        # T = m1 m2 g (1 + mu) / (m1 + m2), the closed form of the two equations
        p["m1"] * p["m2"] * p["g"] * (1 + p["mu"]) / (p["m1"] + p["m2"]),
        FORCE,
    ),
    "dynamics-banked-curve-design-speed": lambda p: (
        math.sqrt(p["g"] * p["r"] * math.tan(p["theta"])),
        SPEED,
    ),
    "dynamics-skydiver-terminal-velocity": lambda p: (
        math.sqrt(2 * p["m"] * p["g"] / (p["rho"] * p["CD"] * p["A"])),
        SPEED,
    ),
    "dynamics-space-station-orbital-period": lambda p: (
        # Kepler's third law form, not the bank's 2πr/v route
        2 * math.pi * math.sqrt((p["R"] + p["h"]) ** 3 / (p["G"] * p["M"])),
        TIME,
    ),
    # energy & momentum
    "energy-momentum-kinetic-energy-of-car": lambda p: (p["m"] * p["v"] ** 2 / 2, ENERGY),
    "energy-momentum-potential-energy-lifting-box": lambda p: (p["m"] * p["g"] * p["h"], ENERGY),
    "energy-momentum-momentum-of-baseball": lambda p: (p["m"] * p["v"], MOMENTUM),
    "energy-momentum-power-running-upstairs": lambda p: (
        p["m"] * p["g"] * p["h"] / p["t"],
        POWER,
    ),
    "energy-momentum-roller-coaster-speed": lambda p: (
        math.sqrt(p["v1"] ** 2 + 2 * p["g"] * (p["h1"] - p["h2"])),
        SPEED,
    ),
    "energy-momentum-inelastic-car-crash-energy-loss": lambda p: (
        # loss = reduced mass form: m1 m2 v1^2 / (2 (m1 + m2))
        p["m1"] * p["m2"] * p["v1"] ** 2 / (2 * (p["m1"] + p["m2"])),
        ENERGY,
    ),
    "energy-momentum-average-force-kicking-ball": lambda p: (p["m"] * p["v"] / p["dt"], FORCE),
    "energy-momentum-spring-launcher-speed": lambda p: (
        math.sqrt(p["k"] * p["x"] ** 2 / p["m"]),
        SPEED,
    ),
    "energy-momentum-ballistic-pendulum": lambda p: (
        (p["m"] + p["M"]) / p["m"] * math.sqrt(2 * p["g"] * p["h"]),
        SPEED,
    ),
    "energy-momentum-elastic-collision-target-speed": lambda p: (
        2 * p["m1"] * p["v1"] / (p["m1"] + p["m2"]),
        SPEED,
    ),
    "energy-momentum-loop-the-loop-normal-force": _loop_bottom,
    "energy-momentum-car-power-climbing-hill": lambda p: (
        (p["m"] * p["g"] * math.sin(p["theta"]) + p["Fr"]) * p["v"],
        POWER,
    ),
    # waves
    "waves-speed-of-sound-from-tuning-fork": lambda p: (p["f"] * p["lam"], SPEED),
    "waves-fm-radio-wavelength": lambda p: (p["c"] / p["f"], LENGTH),
    "waves-mass-spring-period": lambda p: (2 * math.pi * math.sqrt(p["m"] / p["k"]), TIME),
    "waves-simple-pendulum-period": lambda p: (2 * math.pi * math.sqrt(p["L"] / p["g"]), TIME),
    "waves-guitar-string-fundamental": lambda p: (
        math.sqrt(p["T"] / p["mu"]) / (2 * p["L"]),
        FREQUENCY,
    ),
    "waves-doppler-approaching-siren": lambda p: (p["f"] * p["v"] / (p["v"] - p["vs"]), FREQUENCY),
    "waves-closed-pipe-first-overtone": lambda p: (3 * p["v"] / (4 * p["L"]), FREQUENCY),
    "waves-sound-level-from-point-source": lambda p: (
        10 * math.log10(p["P"] / (4 * math.pi * p["r"] ** 2) / p["I0"]),
        NONE,
    ),
    "waves-tuning-string-with-beats": lambda p: (
        p["T"] * (p["f0"] / (p["f0"] - p["fb"])) ** 2,
        FORCE,
    ),
    "waves-doppler-pitch-drop-passing-ambulance": lambda p: (
        p["f"] * (p["v"] + p["vo"]) / (p["v"] - p["vs"])
        - p["f"] * (p["v"] - p["vo"]) / (p["v"] + p["vs"]),
        FREQUENCY,
    ),
    "waves-shm-speed-at-displacement": lambda p: (
        math.sqrt(p["k"] * (p["A"] ** 2 - p["x"] ** 2) / p["m"]),
        SPEED,
    ),
    "waves-two-speaker-destructive-interference": lambda p: (
        p["v"] / (2 * (math.hypot(p["L"], p["d"]) - p["L"])),
        FREQUENCY,
    ),
    # thermodynamics
    "thermodynamics-heat-to-warm-water": lambda p: (
        p["m"] * p["c"] * (p["T2"] - p["T1"]),
        ENERGY,
    ),
    "thermodynamics-ideal-gas-pressure": lambda p: (
        p["n"] * p["R"] * p["T"] / p["V"],
        PRESSURE,
    ),
    "thermodynamics-rail-thermal-expansion": lambda p: (
        p["alpha"] * p["L"] * p["dT"],
        LENGTH,
    ),
    "thermodynamics-carnot-efficiency": lambda p: (1 - p["Tc"] / p["Th"], NONE),
    "thermodynamics-mixing-hot-and-cold-water": lambda p: (
        (p["m1"] * p["T1"] + p["m2"] * p["T2"]) / (p["m1"] + p["m2"]),
        TEMPERATURE,
    ),
    "thermodynamics-melting-cold-ice": lambda p: (
        p["m"] * (p["c"] * p["dT"] + p["Lf"]),
        ENERGY,
    ),
    "thermodynamics-isothermal-expansion-work": lambda p: (
        p["n"] * p["R"] * p["T"] * math.log(p["V2"] / p["V1"]),
        ENERGY,
    ),
    "thermodynamics-heat-loss-through-window": lambda p: (
        p["k"] * p["A"] * p["dT"] / p["d"],
        POWER,
    ),
    "thermodynamics-adiabatic-compression-work": lambda p: (
        p["n"] * 2.5 * p["R"] * p["T1"] * (p["ratio"] ** (p["gamma"] - 1) - 1),
        ENERGY,
    ),
    "thermodynamics-refrigerator-electrical-power": lambda p: (
        p["Pc"] / (p["fraction"] * p["Tc"] / (p["Th"] - p["Tc"])),
        POWER,
    ),
    "thermodynamics-entropy-of-heating-water-with-reservoir": lambda p: (
        p["m"] * p["c"] * (math.log(p["T2"] / p["T1"]) - (p["T2"] - p["T1"]) / p["T2"]),
        ENTROPY,
    ),
    "thermodynamics-tyre-gauge-pressure-after-driving": lambda p: (
        (p["pg"] + p["pa"]) * p["T2"] / p["T1"] - p["pa"],
        PRESSURE,
    ),
    # electricity & magnetism
    "electromagnetism-ohms-law-current": lambda p: (p["V"] / p["R"], CURRENT),
    "electromagnetism-coulomb-force-two-charges": lambda p: (
        p["k"] * p["q1"] * p["q2"] / p["r"] ** 2,
        FORCE,
    ),
    "electromagnetism-kettle-current": lambda p: (p["P"] / p["V"], CURRENT),
    "electromagnetism-capacitor-charge": lambda p: (p["C"] * p["V"], CHARGE),
    "electromagnetism-parallel-resistors-battery-current": lambda p: (
        p["V"] / p["R1"] + p["V"] / p["R2"],
        CURRENT,
    ),
    "electromagnetism-magnetic-field-of-long-wire": lambda p: (
        p["mu0"] * p["I"] / (2 * math.pi * p["r"]),
        FLUX_DENSITY,
    ),
    "electromagnetism-rc-charging-to-ninety-percent": lambda p: (
        -p["R"] * p["C"] * math.log(1 - p["fraction"]),
        TIME,
    ),
    "electromagnetism-induced-emf-in-coil": lambda p: (
        p["N"] * p["A"] * p["B"] / p["dt"],
        VOLTAGE,
    ),
    "electromagnetism-electron-circle-in-magnetic-field": lambda p: (
        # r = sqrt(2 m U / e) / B
        math.sqrt(2 * p["me"] * p["U"] / p["e"]) / p["B"],
        LENGTH,
    ),
    "electromagnetism-maximum-power-transfer": lambda p: (p["emf"] ** 2 / (4 * p["r"]), POWER),
    "electromagnetism-transmission-line-loss": lambda p: (
        (p["P"] / p["V"]) ** 2 * p["R"],
        POWER,
    ),
    "electromagnetism-parallel-plate-capacitor-energy": lambda p: (
        p["eps0"] * p["a"] ** 2 / p["d"] * p["V"] ** 2 / 2,
        ENERGY,
    ),
    # optics
    "optics-refraction-angle-into-water": lambda p: (
        math.asin(p["n1"] * math.sin(p["theta1"]) / p["n2"]),
        NONE,
    ),
    "optics-speed-of-light-in-glass": lambda p: (p["c"] / p["n"], SPEED),
    "optics-power-of-reading-glasses": lambda p: (1 / p["f"], INVERSE_LENGTH),
    "optics-critical-angle-glass-air": lambda p: (math.asin(p["n_air"] / p["n"]), NONE),
    "optics-thin-lens-image-distance": lambda p: (
        p["f"] * p["do"] / (p["do"] - p["f"]),
        LENGTH,
    ),
    "optics-double-slit-fringe-spacing": lambda p: (p["lam"] * p["L"] / p["d"], LENGTH),
    "optics-diffraction-grating-first-order-angle": lambda p: (
        math.asin(p["lam"] * p["N"]),
        NONE,
    ),
    "optics-two-polarisers-transmitted-intensity": lambda p: (
        p["I0"] / 2 * math.cos(p["theta"]) ** 2,
        INTENSITY,
    ),
    "optics-two-lens-system-magnification": _two_lenses,
    "optics-soap-film-minimum-thickness": lambda p: (p["lam"] / (4 * p["n"]), LENGTH),
    "optics-optical-fibre-acceptance-angle": lambda p: (
        math.asin(math.sqrt(p["n1"] ** 2 - p["n2"] ** 2) / p["n0"]),
        NONE,
    ),
    "optics-eye-resolving-car-headlights": lambda p: (
        p["s"] * p["D"] / (1.22 * p["lam"]),
        LENGTH,
    ),
    # modern physics
    "modern-physics-green-photon-energy": lambda p: (p["h"] * p["c"] / p["lam"], ENERGY),
    "modern-physics-carbon-remaining-after-three-half-lives": lambda p: (
        math.exp(-math.log(2) * p["t"] / p["T_half"]),
        NONE,
    ),
    "modern-physics-rest-energy-of-one-gram": lambda p: (p["m"] * p["c"] ** 2, ENERGY),
    "modern-physics-de-broglie-wavelength-of-baseball": lambda p: (
        p["h"] / (p["m"] * p["v"]),
        LENGTH,
    ),
    "modern-physics-photoelectric-stopping-voltage": lambda p: (
        (p["h"] * p["c"] / p["lam"] - p["phi"]) / p["e"],
        VOLTAGE,
    ),
    "modern-physics-de-broglie-wavelength-of-electron": lambda p: (
        p["h"] / math.sqrt(2 * p["me"] * p["e"] * p["U"]),
        LENGTH,
    ),
    "modern-physics-muon-time-dilation": lambda p: (p["tau0"] * gamma(p["beta"]), TIME),
    "modern-physics-activity-of-iodine-sample": lambda p: (
        math.log(2) / p["T_half"] * p["N"],
        FREQUENCY,
    ),
    "modern-physics-compton-recoil-electron-energy": _compton,
    "modern-physics-trip-to-alpha-centauri-proper-time": lambda p: (
        p["L"] / (p["beta"] * p["c"]) / gamma(p["beta"]),
        TIME,
    ),
    "modern-physics-radiocarbon-dating-age": lambda p: (
        -math.log(p["ratio"]) * p["T_half"] / math.log(2),
        TIME,
    ),
    "modern-physics-speed-of-one-mev-electron": lambda p: (
        p["c"] * math.sqrt(1 - (p["me_c2"] / (p["me_c2"] + p["Ek"])) ** 2),
        SPEED,
    ),
}

NUMERIC = [q for q in QUESTIONS if q.answer_kind == "numeric"]
CHOICE = [q for q in QUESTIONS if q.answer_kind == "choice"]
TOPIC_SLUGS = [t.slug for t in TOPICS]


def _ids(questions: list[QuestionSpec]) -> list[str]:
    return [q.slug for q in questions]


# --- the bank as a whole ----------------------------------------------------------------------


def test_it_has_the_nine_practice_topics_in_order() -> None:
    assert TOPIC_SLUGS == [
        "calculus",
        "kinematics",
        "dynamics",
        "energy-momentum",
        "waves",
        "thermodynamics",
        "electromagnetism",
        "optics",
        "modern-physics",
    ]
    assert all(t.name and t.description for t in BANK.topics)
    assert [t.slug for t in BANK.topics] == [*TOPIC_SLUGS, "quantum-physics"]


@pytest.mark.parametrize("topic", TOPIC_SLUGS)
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_it_has_five_questions_per_topic_and_difficulty(topic: str, difficulty: str) -> None:
    assert len([q for q in questions_for(topic) if q.difficulty == difficulty]) >= 5


@pytest.mark.parametrize("topic", TOPIC_SLUGS)
def test_it_mixes_answer_kinds_in_every_topic(topic: str) -> None:
    kinds = Counter(q.answer_kind for q in questions_for(topic))
    assert kinds["choice"] >= 2
    assert kinds["self"] >= 1
    assert kinds["numeric"] > kinds["choice"] + kinds["self"]  # mostly numeric


def test_it_has_unique_slugs() -> None:
    duplicates = [slug for slug, n in Counter(q.slug for q in QUESTIONS).items() if n > 1]
    assert duplicates == []


def test_it_checks_every_numeric_question_and_nothing_else() -> None:
    assert set(EXPECTED) == {q.slug for q in NUMERIC}


def test_it_returns_only_the_topics_questions() -> None:
    assert all(q.topic == "optics" for q in questions_for("optics"))
    assert questions_for("no-such-topic") == ()
    assert sum(len(questions_for(t)) for t in TOPIC_SLUGS) == len(QUESTIONS)


# --- each question ----------------------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(list(QUESTIONS)))
def test_it_is_well_formed(question: QuestionSpec) -> None:
    assert question.slug.startswith(f"{question.topic}-")
    assert question.topic in TOPIC_SLUGS
    assert question.difficulty in DIFFICULTIES
    assert question.answer_kind in ANSWER_KINDS
    assert question.title and question.concept
    assert question.statement.strip() and "$" in question.statement  # states values as math
    assert question.solution.strip()


@pytest.mark.parametrize("question", QUESTIONS, ids=_ids(list(QUESTIONS)))
def test_it_renders_all_its_math(question: QuestionSpec) -> None:
    texts = [question.statement, question.solution, *(o.text for o in question.options)]
    for text in texts:
        html = render_markdown(text)
        assert "math-error" not in html, html
        assert "$" not in html.replace("\\$", ""), "unmatched math delimiter"
    assert "<math" in render_markdown(question.statement)


@pytest.mark.parametrize("question", CHOICE, ids=_ids(CHOICE))
def test_it_has_four_options_and_a_valid_correct_one(question: QuestionSpec) -> None:
    ids = [o.id for o in question.options]
    assert ids == ["a", "b", "c", "d"]
    assert len({o.text for o in question.options}) == 4
    assert question.correct_option in ids
    assert question.answer is None and not question.params


@pytest.mark.parametrize("question", NUMERIC, ids=_ids(NUMERIC))
def test_it_has_an_answer_unit_and_tolerance(question: QuestionSpec) -> None:
    assert question.answer is not None
    assert question.unit in UNITS, f"unknown unit {question.unit!r}"
    assert 0 < question.tolerance <= 0.05
    assert question.params
    assert question.options == () and question.correct_option == ""


@pytest.mark.parametrize("question", NUMERIC, ids=_ids(NUMERIC))
def test_it_has_the_right_numeric_answer(question: QuestionSpec) -> None:
    value_si, dimension = EXPECTED[question.slug](question.params)
    scale, unit_dimension = UNITS[question.unit]
    assert unit_dimension == dimension, f"{question.unit!r} is not a unit of {dimension}"
    assert question.answer is not None
    assert question.answer * scale == pytest.approx(value_si, rel=0.005)


def test_it_would_catch_a_wrong_answer() -> None:
    question = next(q for q in NUMERIC if q.slug == "kinematics-braking-distance")
    value_si, _ = EXPECTED[question.slug](question.params)
    assert question.answer is not None
    assert question.answer * 1.01 != pytest.approx(value_si, rel=0.005)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.answer_kind == "self"])
def test_it_gives_self_assessed_questions_no_answer(question: QuestionSpec) -> None:
    assert question.answer is None and question.options == () and not question.params


def test_it_offers_a_self_assessed_task_at_every_topic_and_difficulty() -> None:
    offered = {(t.topic, t.difficulty) for t in BANK.tasks if t.answer_kind == "self"}
    with_tasks = {(t.topic, t.difficulty) for t in BANK.tasks}
    assert with_tasks and offered == with_tasks
