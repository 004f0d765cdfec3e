"""The growth engine on the sandbox: learned ranking against a control group, and tune.

Worlds of 40,000 accounts (the film cluster grows with the world: at 20,000 accounts the
sources find about 2,300 people and 1,100 pass the filters; at 40,000 a month's 450 follows
per account take about a fifth of the passing pool, so the ranking's choice is not exhausted).
In each, eight managed accounts run 30 simulated days side by side,
15 follows a day with ``control_pct`` 20, each account learning from its own outcomes only:
four rank with the learned model, four with the heuristic prior alone. Follow-backs are read
by a daily sync (people who unfollow again later still count: the follow-back happened) and
judged three days after the last follow. Printed: chosen vs control follow-back with the rate
ratio's 95% interval and the ranker's mean prediction (calibration), for two fresh standard
worlds (seeds 42 and 43: each, and pooled) and the ``variant`` world (other follow-back
drivers). Targets: standard learned >= 1.5x control on the pooled figure; variant learned
>= 1.3x while the prior alone is not.

Then tune: four accounts run the month with a weak extra source (hashtag:art); their judged
follows go into a state file and ``socialseed tune --write`` runs on it (its reasons and diff
are printed; the simulation reads every source whole, so a ``limit`` change moves nothing here)
and the month runs again on a fresh world: all follows' follow-back before and
after, side by side. Last, the ranker's own cost: fit on 600 outcomes, then features,
expected follow-back and the order with its control group for 100,000 candidates.
"""

from __future__ import annotations

import math
import random
import resource
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from benchmarks import growth_sim
from socialseed.model.rates import rate_ratio
from socialseed.plan import ranking
from socialseed.plan.tune import Judged

SIZE = 40_000
ACCOUNTS = 4  # per ranking, per world
# the worlds' seeds, fixed before any was measured: two standard worlds (the target reads
# their pooled figure, 8 learned accounts' control groups), one variant world
SEEDS = {"standard": (42, 43), "variant": (42,)}
CANDIDATES = 100_000
CONFIG = """\
accounts:
  - {id: studio, platform: sandbox, handle: studio.example, phases: p, targeting: [film]}
phases:
  p:
    - {name: growth, daily: {follow: 15}}
targeting:
  film:
    keywords: [film, analog, 35mm, darkroom, photography]
    sources:   # where discovery looks
      - hashtag: filmphotography
      - hashtag: analog
      - followers_of: lens.collective
      - hashtag: art
    filters:
      followers: {min: 20, max: 20000}
      ratio: {max: 3.0}   # following / followers
      min_posts: 5
      active_within_days: 30
    experiment: {control_pct: 20}
"""


def _line(label: str, result: growth_sim.Result, target: str) -> str:
    low, high = result.interval()
    c, k = result.chosen, result.control
    return (
        f"   {label}: chosen {c.rate:.1%} ({c.backs}/{c.follows}) vs control {k.rate:.1%} "
        f"({k.backs}/{k.follows}) = {result.lift:.2f}x [95% {low:.2f}-{high:.2f}]; "
        f"predicted {result.expected_chosen:.1%} (control {result.expected_control:.1%})"
        f"  {target}"
    ).rstrip()


def _world(folder: Path, model: str, seed: int) -> tuple[growth_sim.Result, growth_sim.Result]:
    """One fresh world's month: the learned accounts' and the prior-only accounts' follows."""
    setups = [growth_sim.Setup(f"learned{i}.studio") for i in range(ACCOUNTS)]
    setups += [growth_sim.Setup(f"prior{i}.studio", learn=False) for i in range(ACCOUNTS)]
    path = folder / f"{model}-{seed}.sqlite"
    world = growth_sim.make_world(path, size=SIZE, model=model, seed=seed)
    try:
        results = growth_sim.simulate(world, setups)
    finally:
        world.close()
    return growth_sim.Result.combine(results[:ACCOUNTS]), growth_sim.Result.combine(
        results[ACCOUNTS:]
    )


def _lift(folder: Path, model: str) -> None:
    """Each world of ``model`` (its seeds fixed in ``SEEDS``), then all of them pooled: the
    target reads the pooled figure."""
    seeds = SEEDS[model]
    worlds = [_world(folder, model, seed) for seed in seeds]
    want = "(target >= 1.50x)" if model == "standard" else "(target >= 1.30x)"
    alone = "(the prior alone: expected < 1.30x)" if model == "variant" else ""
    if len(seeds) > 1:
        for seed, (learned, prior) in zip(seeds, worlds, strict=True):
            print(_line(f"{model:8} seed {seed} learned", learned, ""), flush=True)
            print(_line(f"{model:8} seed {seed} prior  ", prior, ""), flush=True)
    label = f"{model:8} pooled" if len(seeds) > 1 else f"{model:8}"
    learned = growth_sim.Result.combine([w[0] for w in worlds])
    prior = growth_sim.Result.combine([w[1] for w in worlds])
    print(_line(f"{label} learned", learned, want), flush=True)
    print(_line(f"{label} prior  ", prior, alone), flush=True)
    a, b = learned.chosen, prior.chosen
    found = rate_ratio(a.backs, a.follows, b.backs, b.follows)
    if found:
        print(
            f"   {label} learned vs prior (chosen follows, same worlds and days): "
            f"{found[0]:.2f}x [95% {found[1]:.2f}-{found[2]:.2f}]",
            flush=True,
        )


def _month(folder: Path, name: str, sources: tuple[str, ...], filters: object) -> growth_sim.Result:
    from socialseed.config.schema import Filters

    assert isinstance(filters, Filters)
    setups = [growth_sim.Setup(f"tune{i}.studio", True, sources, filters) for i in range(ACCOUNTS)]
    world = growth_sim.make_world(folder / f"tune-{name}.sqlite", size=SIZE, model="standard")
    try:
        return growth_sim.Result.combine(growth_sim.simulate(world, setups))
    finally:
        world.close()


def _tune(folder: Path) -> None:
    """A month with a weak extra source; ``socialseed tune --write`` on its outcomes (the
    real command, on a state holding the month's judged follows); the month again."""
    from socialseed.config.load import load_config
    from socialseed.plan import tune

    config_dir = folder / "config"
    config_dir.mkdir()
    path = config_dir / "socialseed.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    film = load_config(path).targeting["film"]
    sources = tuple(tune.source_key(s) for s in film.sources)
    before = _month(folder, "before", sources, film.filters)
    env = _tune_state(folder / "tune-state.sqlite", before.judged)
    for line in _run_tune(config_dir, env):
        print(f"      {line}")
    film = load_config(path).targeting["film"]
    after = _month(folder, "after", tuple(tune.source_key(s) for s in film.sources), film.filters)
    b, a = before.overall, after.overall
    found = rate_ratio(a.backs, a.follows, b.backs, b.follows)
    ratio = f"{found[0]:.2f}x [95% {found[1]:.2f}-{found[2]:.2f}]" if found else "-"
    print(
        f"   tune before | after (all follows of {ACCOUNTS} accounts, 30 days each): "
        f"{b.rate:.1%} ({b.backs}/{b.follows}) | {a.rate:.1%} ({a.backs}/{a.follows}) "
        f"= {ratio}"
    )


def _tune_state(path: Path, judged: Sequence[Judged]) -> dict[str, str]:
    """A state holding ``judged`` as the account's follows (made on the month's first day,
    followed back or not by its end), and the environment that points tune at it."""
    from socialseed.state.db import open_state
    from socialseed.state.growth import Proposal, record_proposals
    from socialseed.state.relationships import mark_followed_back_many, record_follows

    made = growth_sim.START
    db = open_state(path)
    ids = [f"t{i}" for i in range(len(judged))]
    proposals = [
        Proposal(t, j.targeting, j.source, "chosen", 0.0, j.features)
        for t, j in zip(ids, judged, strict=True)
    ]
    record_proposals(db, "studio", proposals, now=made)
    record_follows(db, "studio", [(t, "socialseed", made) for t in ids])
    backs = [t for t, j in zip(ids, judged, strict=True) if j.followed_back]
    mark_followed_back_many(db, "studio", backs, at=made + timedelta(days=1))
    db.conn.close()
    now = made + timedelta(days=33)
    return {"SOCIALSEED_STATE": str(path), "SOCIALSEED_NOW": now.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _run_tune(config: Path, env: dict[str, str]) -> list[str]:
    """``socialseed tune -c CONFIG --write`` in-process: its reasons and diff, line by line."""
    from typer.testing import CliRunner

    from socialseed.cli.main import app

    result = CliRunner().invoke(app, ["tune", "-c", str(config), "--write"], env=env)
    if result.exit_code != 0:
        raise RuntimeError(f"tune failed ({result.exit_code}): {result.output}")
    return [*result.stderr.splitlines(), *result.stdout.splitlines()]


def _rank() -> None:
    rng = random.Random(7)

    def row() -> ranking.Known:
        return ranking.Known(
            int(math.expm1(rng.uniform(2, 9))),
            int(math.expm1(rng.uniform(3, 8))),
            int(math.expm1(rng.uniform(1, 8))),
            NOW_US - rng.randint(0, 60) * ranking.DAY_US,
            1,
            f"hashtag:t{rng.randint(0, 3)}",
            rng.random(),
            rng.random(),
        )

    outcomes = [
        ranking.Outcome(ranking.features_of(row(), NOW_US), rng.random() < 0.2) for _ in range(600)
    ]
    rows = [row() for _ in range(CANDIDATES)]

    ranking.Ranker(outcomes).expected([ranking.features_of(rows[0], NOW_US)])  # warm imports
    steps: list[tuple[str, float, float]] = []

    def step(name: str, started: tuple[float, float]) -> tuple[float, float]:
        now = (time.process_time(), time.perf_counter())
        steps.append((name, now[0] - started[0], now[1] - started[1]))
        return now

    at = start = (time.process_time(), time.perf_counter())
    ranker = ranking.Ranker(outcomes)
    at = step("fit", at)
    feats = [ranking.features_of(k, NOW_US) for k in rows]
    at = step("features", at)
    expected = ranker.expected(feats)
    at = step("expected", at)
    ranking.order(expected, control_pct=20, seed="bench")
    step("order", at)
    cpu, wall = time.process_time() - start[0], time.perf_counter() - start[1]
    parts = ", ".join(f"{name} {c:.2f}" for name, c, _ in steps)
    print(
        f"   rank {CANDIDATES:,} candidates with a model fitted on 600 outcomes: "
        f"{cpu:.2f} s CPU, {wall:.2f} s wall ({parts} s CPU); part of the warm plan, whose "
        "target (<= 1.5x a lean reference pass) bench_plan measures"
    )
    _rank_columns(rows, outcomes)


def _rank_columns(rows: list[ranking.Known], outcomes: list[ranking.Outcome]) -> None:
    """The path the plan takes: the pool's typed columns as arrays, one ``predict_proba``,
    a seeded order per targeting; set beside the whole lean reference pass's figure."""
    import numpy as np

    def floats(i: int) -> object:
        return np.array([np.nan if r[i] is None else float(r[i]) for r in rows])

    known = ranking.KnownColumns(
        floats(0), floats(1), floats(2), floats(3), floats(4),
        [r.source for r in rows], floats(6), floats(7),
    )  # fmt: skip
    ids = [f"p{i}" for i in range(len(rows))]
    targetings = [r.source for r in rows]
    start = (time.process_time(), time.perf_counter())
    ranker = ranking.Ranker(outcomes)
    expected = ranker.expected_columns(known, NOW_US)
    ranking.rank_columns(
        ids,
        targetings,
        expected,
        control_pct=dict.fromkeys(set(targetings), 20.0),
        seed_of={t: f"bench:{t}" for t in set(targetings)},
    )
    cpu, wall = time.process_time() - start[0], time.perf_counter() - start[1]
    print(
        f"   rank {len(rows):,} candidates, the plan's columnar path (fit, expected_columns, "
        f"rank_columns): {cpu:.2f} s CPU, {wall:.2f} s wall"
    )


NOW_US = 1_796_000_000 * 1_000_000


def main() -> None:
    print(
        f"   {SIZE:,}-account worlds (standard seeds {', '.join(map(str, SEEDS['standard']))}, "
        f"variant seed {', '.join(map(str, SEEDS['variant']))}); {ACCOUNTS} learned + "
        f"{ACCOUNTS} prior-only accounts each, "
        "30 days x 15 follows, control 20%, judged 3 days after"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for model in ("standard", "variant"):
            wall, cpu = time.perf_counter(), time.process_time()
            _lift(folder, model)
            print(
                f"      {time.perf_counter() - wall:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU",
                flush=True,
            )
        wall, cpu = time.perf_counter(), time.process_time()
        _tune(folder)
        print(
            f"      {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU",
            flush=True,
        )
    _rank()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   peak {peak:.0f} MB")
