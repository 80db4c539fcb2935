"""Generated students with a known learning and forgetting curve (no database).

Each student has an ability θ; each topic a memory strength that grows with every attempt
(more after a correct one) and decays exponentially with the time since it was last practised.
P(correct) = σ(θ + strength − b_item). Sessions are spread over weeks with gaps of hours to days,
so both learning within a session and forgetting between sessions are in the data.
"""

from __future__ import annotations

import math

import numpy as np

from mlmodels.data import AttemptRecord, AttemptTable, table_from_records

DAY = 86400.0
HALF_LIFE_DAYS = 3.0
GAIN_CORRECT, GAIN_WRONG = 0.45, 0.2


def simulate(
    *, students: int = 120, topics: int = 6, items_per_topic: int = 6, seed: int = 0
) -> AttemptTable:
    rng = np.random.default_rng(seed)
    b = rng.normal(0.0, 0.6, topics * items_per_topic)
    lam = rng.normal(3.5, 0.3, topics * items_per_topic)
    records = []
    for s in range(students):
        theta = rng.normal(-0.8, 0.7)
        speed = rng.normal(0.0, 0.2)
        strength = np.zeros(topics)
        last = np.full(topics, -math.inf)
        t = rng.uniform(0, DAY)
        for _session in range(int(rng.integers(6, 12))):
            t += rng.choice([0.2, 1.0, 3.0, 8.0]) * DAY * rng.uniform(0.7, 1.3)
            session_topics = rng.choice(topics, size=2, replace=False)
            for _k in range(int(rng.integers(6, 14))):
                topic = int(rng.choice(session_topics))
                item = topic * items_per_topic + int(rng.integers(items_per_topic))
                gap_days = (t - last[topic]) / DAY if np.isfinite(last[topic]) else 0.0
                current = strength[topic] * 0.5 ** (gap_days / HALF_LIFE_DAYS)
                p = 1.0 / (1.0 + math.exp(-(theta + current - b[item])))
                correct = bool(rng.random() < p)
                seconds = math.exp(lam[item] - speed - 0.15 * current + rng.normal(0, 0.3))
                records.append(
                    AttemptRecord(
                        user=f"s{s}",
                        item=f"i{item}",
                        topic=f"t{topic}",
                        difficulty="",
                        correct=correct,
                        seconds=seconds,
                        order=t,
                    )
                )
                strength[topic] = current + (GAIN_CORRECT if correct else GAIN_WRONG)
                last[topic] = t
                t += seconds + rng.uniform(5, 30)
    return table_from_records(records)
