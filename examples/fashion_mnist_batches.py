"""Random vs NegHash LSH vs exact-mined batches on Fashion-MNIST, in two training protocols, CPU only.

Protocol ``class`` (class-level retrieval, as on SOP or CUB): a supervised contrastive (InfoNCE)
loss on P x K batches; evaluation: Recall@1/@5 of each test image's nearest other test images by
cosine (a hit when one of them has its label).

Protocol ``instance`` (instance-level cross-view retrieval, as on CVUSA or VIGOR): every image is a
pair of two augmented views (A and B, made once with a fixed seed; the test views with a seed of
their own); the pair's label is its own id. Symmetric InfoNCE between the A and B embeddings of a
batch, on Sample4Geo batches (``neghash batches`` without labels: no pair twice in a batch);
evaluation: Recall@1/@5 of test view A against the test views B (a hit when its own pair's B is
among the nearest).

Modes: ``random`` (seeded random batches: random P x K batches in protocol class), ``lsh512`` and
``lsh128`` (``neghash batches`` on the current model's embeddings with b = 512 or 128 bits),
``exact`` (the same from exact cosine neighbours). From epoch --mine-from on, the training set is
embedded with the current model before each epoch and the epoch's batches are built from those
embeddings (in protocol instance from the mean of a pair's two view embeddings); earlier epochs use
random batches. Per epoch it records the loss, R@1 and R@5, the mining time (the ``neghash
batches`` call: JVM start, encoding, search and batch building) and how hard the batches are: the
mean over items of the highest cosine to another label's item in the batch (in protocol instance:
view A to another pair's view B), for the epoch's batches and for random batches of the same shape,
both on the embeddings the batches were built from. Everything goes to a JSON file (--results);
examples/plot_results.py turns it into a table and a plot.

    examples/run --smoke                       # both protocols, 1 epoch on 2,000 images, all modes
    examples/run --train 10000 --epochs 6 --seeds 0,1 --results docs/training-results.json

The knobs a practitioner tunes take one value for both protocols or one per protocol
(``--neighbours class=16,instance=8``): --neighbours, --rank-from, --random-share (class only),
--mine-from. --eval val evaluates on held-out training images (60,000 - --val onwards) instead of
the test images, for tuning without looking at the test set.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

DATA = Path("/usr/share/datasets/fashion-mnist")  # Debian package dataset-fashion-mnist
ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"batches: (\d+) of \d+, (\d+) items left out")
PROTOCOLS = ("class", "instance")
MODES = ("random", "lsh512", "lsh128", "exact")
MEAN, STD = 0.2860, 0.3530
TRAIN_VIEW_SEED = 1234  # the training pairs' views: the same for every mode and training seed
TEST_VIEW_SEED = 4321  # the evaluation pairs' views


def load(split: str, start: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(DATA / f"{prefix}-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(DATA / f"{prefix}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    images = images[start:start + count].astype(np.float32) / 255.0
    return (images - MEAN) / STD, labels[start:start + count].astype(np.int32)


def shifted(x: np.ndarray, dy: np.ndarray, dx: np.ndarray, pad: int) -> np.ndarray:
    """Each image moved by (dy, dx) pixels, the uncovered border filled with the background."""
    background = (0.0 - MEAN) / STD
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=background)
    out = np.empty_like(x)
    for oy in range(-pad, pad + 1):
        for ox in range(-pad, pad + 1):
            idx = np.nonzero((dy == oy) & (dx == ox))[0]
            if len(idx):
                out[idx] = padded[idx, :, pad - oy:pad - oy + 28, pad - ox:pad - ox + 28]
    return out


def views(x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two views of every image. A: shifted by up to 2 pixels, light noise. B (the other
    "camera"): mirrored, shifted by up to 4 pixels, contrast scaled by 0.6 to 1.4, a 10 x 10 patch
    blanked out and stronger noise."""
    rng = np.random.default_rng(seed)
    n = len(x)
    a = shifted(x, rng.integers(-2, 3, n), rng.integers(-2, 3, n), 2)
    a = a + rng.normal(0, 0.2, a.shape).astype(np.float32)
    b = shifted(x[:, :, :, ::-1], rng.integers(-4, 5, n), rng.integers(-4, 5, n), 4)
    b = b * rng.uniform(0.6, 1.4, (n, 1, 1, 1)).astype(np.float32)
    top, left = rng.integers(0, 19, n), rng.integers(0, 19, n)
    rows = np.arange(28)
    box = ((rows[None, :, None] >= top[:, None, None]) & (rows[None, :, None] < top[:, None, None] + 10)
           & (rows[None, None, :] >= left[:, None, None]) & (rows[None, None, :] < left[:, None, None] + 10))
    b = np.where(box[:, None], (0.0 - MEAN) / STD, b)
    b = b + rng.normal(0, 0.3, b.shape).astype(np.float32)
    return a.astype(np.float32), b.astype(np.float32)


class Net(torch.nn.Module):
    """Two convolutions (32, 64 channels) and a 128-d projection, L2-normalised."""

    def __init__(self, dim: int = 128) -> None:
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(32, 64, 3, padding=1)
        self.fc = torch.nn.Linear(64 * 7 * 7, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.normalize(self.fc(x.flatten(1)), dim=1)


def supcon(z: torch.Tensor, y: torch.Tensor, temperature: float) -> torch.Tensor:
    """Supervised InfoNCE: every other item of the anchor's label is a positive, the rest negatives."""
    sim = z @ z.T / temperature
    eye = torch.eye(len(y), dtype=torch.bool)
    sim = sim.masked_fill(eye, -1e9)
    pos = (y[:, None] == y[None, :]) & ~eye
    logp = torch.log_softmax(sim, dim=1)
    count = pos.sum(1).clamp(min=1)
    return -((logp * pos).sum(1) / count)[pos.any(1)].mean()


def symmetric_infonce(za: torch.Tensor, zb: torch.Tensor, temperature: float) -> torch.Tensor:
    """InfoNCE from view A to view B and back: a pair's own other view is the positive, the other
    pairs' views in the batch are the negatives."""
    logits = za @ zb.T / temperature
    target = torch.arange(len(za))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


@torch.no_grad()
def embed(model: Net, x: np.ndarray, chunk: int = 1000) -> np.ndarray:
    model.eval()
    out = [model(torch.from_numpy(x[i:i + chunk])).numpy() for i in range(0, len(x), chunk)]
    model.train()
    return np.concatenate(out).astype(np.float32)


def nearest(queries: np.ndarray, refs: np.ndarray, top: int, same: bool, chunk: int = 1000) -> np.ndarray:
    """Indices of each query's ``top`` nearest references by cosine (itself left out when ``same``)."""
    out = np.empty((len(queries), top), dtype=np.int64)
    for i in range(0, len(queries), chunk):
        sim = queries[i:i + chunk] @ refs.T
        if same:
            sim[np.arange(sim.shape[0]), i + np.arange(sim.shape[0])] = -np.inf
        part = np.argpartition(-sim, top, axis=1)[:, :top]
        order = np.argsort(-np.take_along_axis(sim, part, 1), axis=1)
        out[i:i + chunk] = np.take_along_axis(part, order, 1)
    return out


def recall_class(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    hit = y[nearest(z, z, 5, True)] == y[:, None]
    return float(hit[:, 0].mean()), float(hit.any(1).mean())


def recall_instance(za: np.ndarray, zb: np.ndarray) -> tuple[float, float]:
    hit = nearest(za, zb, 5, False) == np.arange(len(za))[:, None]
    return float(hit[:, 0].mean()), float(hit.any(1).mean())


def hardness(batches: np.ndarray, za: np.ndarray, zb: np.ndarray, y: np.ndarray | None) -> float:
    """Mean over batch items of the highest cosine to another label's item in the batch: za against
    zb of the other pairs (instance), or za against za of other labels (class: zb is za)."""
    if len(batches) == 0:
        return float("nan")
    a = torch.from_numpy(za[batches])
    b = torch.from_numpy(zb[batches])
    sim = a @ b.transpose(1, 2)
    if y is None:
        other = ~torch.eye(batches.shape[1], dtype=torch.bool).expand(len(batches), -1, -1)
    else:
        yb = torch.from_numpy(y[batches])
        other = yb[:, :, None] != yb[:, None, :]
    best = sim.masked_fill(~other, -2.0).max(dim=2).values
    return float(best[other.any(2)].mean())


def random_batches(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    order = rng.permutation(n)
    return order[: n // size * size].reshape(-1, size)


def random_pk_batches(y: np.ndarray, size: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Random P x K batches: P = size / K random labels (among those with K unused items left),
    K random unused items of each, every item at most once."""
    p = size // k
    pools = {int(c): list(rng.permutation(np.nonzero(y == c)[0])) for c in np.unique(y)}
    batches = []
    while True:
        open_labels = [c for c, items in pools.items() if len(items) >= k]
        if len(open_labels) < p:
            break
        # Labels with more unused items are drawn more often, so that they run out together.
        weights = np.array([len(pools[c]) for c in open_labels], dtype=np.float64)
        chosen = rng.choice(open_labels, size=p, replace=False, p=weights / weights.sum())
        batches.append(np.concatenate([[pools[int(c)].pop() for _ in range(k)] for c in chosen]))
    return np.array(batches, dtype=np.int64).reshape(-1, size)


def knob(value: str, protocol: str, cast: type) -> Any:
    """One value for both protocols ("16") or one per protocol ("class=16,instance=8")."""
    if "=" not in value:
        return cast(value)
    pairs = dict(part.split("=", 1) for part in value.split(","))
    unknown = set(pairs) - set(PROTOCOLS)
    if unknown:
        sys.exit(f"unknown protocol in {value!r}: {', '.join(sorted(unknown))}")
    if protocol not in pairs:
        sys.exit(f"{value!r} gives no value for protocol {protocol}")
    return cast(pairs[protocol])


def settings(args: argparse.Namespace, protocol: str) -> dict[str, Any]:
    s = {"neighbours": knob(args.neighbours, protocol, int), "rank_from": knob(args.rank_from, protocol, int),
         "random_share": knob(args.random_share, protocol, float), "mine_from": knob(args.mine_from, protocol, int),
         "temperature": knob(args.temperature, protocol, float)}
    if protocol == "instance" and s["random_share"]:
        sys.exit("--random-share applies to P x K batches (protocol class) only")
    return s


def mine(args: argparse.Namespace, protocol: str, mode: str, s: dict[str, Any], emb: np.ndarray,
         labels: np.ndarray | None, seed: int, work: Path) -> tuple[np.ndarray, dict[str, Any]]:
    """The epoch's batches from ``neghash batches``; returns them and the call's wall time."""
    np.save(work / "emb.npy", emb)
    cmd = [str(ROOT / "neghash"), "batches", "--embeddings", str(work / "emb.npy"), "--k", str(args.k),
           "--batch-size", str(args.batch_size), "--neighbours", str(s["neighbours"]),
           "--rank-from", str(s["rank_from"]), "--seed", str(seed), "--threads", str(args.threads),
           "--no-hardness", "--out", str(work / "run")]
    if protocol == "class":
        np.save(work / "labels.npy", labels)
        cmd += ["--labels", str(work / "labels.npy"), "--items-per-label", str(args.items_per_label),
                "--random-share", str(s["random_share"])]
    if mode == "exact":
        cmd.append("--exact")
    else:
        cmd += ["--bits", mode.removeprefix("lsh")]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"neghash batches failed: {done.stderr.strip()}")
    found = SUMMARY.search(done.stdout)
    left_out = int(found.group(2)) if found else None
    return np.load(work / "run.batches.npy").astype(np.int64), {"mine_s": seconds, "left_out": left_out}


def train(args: argparse.Namespace, protocol: str, mode: str, seed: int, data: dict[str, Any]) -> list[dict]:
    s = settings(args, protocol)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    y = data["y"]
    epochs = []
    with tempfile.TemporaryDirectory(prefix="neghash-example-") as tmp:
        for epoch in range(args.epochs):
            t0 = time.perf_counter()
            mined = mode != "random" and epoch >= s["mine_from"]
            if protocol == "class":
                random_shape = random_pk_batches(y, args.batch_size, args.items_per_label, rng)
            else:
                random_shape = random_batches(len(y), args.batch_size, rng)
            batches, info = random_shape, {"mine_s": None, "left_out": None}
            h_batches = h_random = h_thirds = None
            if mined:
                # The embeddings the epoch's batches are built from, and their hardness measured on.
                if protocol == "class":
                    za = zb = embed(model, data["x"])
                    pair = za
                else:
                    za, zb = embed(model, data["xa"]), embed(model, data["xb"])
                    pair = za + zb
                    pair /= np.linalg.norm(pair, axis=1, keepdims=True)
                labels = y if protocol == "class" else None
                batches, info = mine(args, protocol, mode, s, pair, labels, seed * 1000 + epoch, Path(tmp))
                h_batches = hardness(batches, za, zb, labels)
                h_random = hardness(random_shape, za, zb, labels)
                # In the order they were built: the walk can use up the most confused labels or items early.
                h_thirds = [hardness(part, za, zb, labels) for part in np.array_split(batches, 3)]
            t_embed = time.perf_counter() - t0
            t1 = time.perf_counter()
            losses = []
            for batch in batches[rng.permutation(len(batches))]:
                if protocol == "class":
                    loss = supcon(model(torch.from_numpy(data["x"][batch])), torch.from_numpy(y[batch]),
                                  s["temperature"])
                else:
                    both = model(torch.from_numpy(np.concatenate([data["xa"][batch], data["xb"][batch]])))
                    loss = symmetric_infonce(both[:len(batch)], both[len(batch):], s["temperature"])
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(float(loss))
            t2 = time.perf_counter()
            if protocol == "class":
                r1, r5 = recall_class(embed(model, data["xt"]), data["yt"])
            else:
                r1, r5 = recall_instance(embed(model, data["xta"]), embed(model, data["xtb"]))
            t3 = time.perf_counter()
            row = {"epoch": epoch, "mined": mined, "loss": float(np.mean(losses)), "r1": r1, "r5": r5,
                   "mine_s": info["mine_s"], "hardness": h_batches, "hardness_random": h_random,
                   "hardness_thirds": h_thirds,
                   "batches": int(len(batches)), "left_out": info["left_out"], "prepare_s": t_embed,
                   "train_s": t2 - t1, "eval_s": t3 - t2, "epoch_s": t3 - t0}
            epochs.append(row)
            mining = (f"mined in {info['mine_s']:.1f} s, hardness {h_batches:.3f} (random {h_random:.3f})"
                      if mined else "random batches")
            print(f"  {protocol:8s} {mode:6s} seed {seed} epoch {epoch}: loss {row['loss']:.4f}, "
                  f"R@1 {100 * r1:.2f}, R@5 {100 * r5:.2f}, {mining}, {len(batches)} batches, "
                  f"{row['epoch_s']:.0f} s", flush=True)
    return epochs


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "torch_threads": torch.get_num_threads()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true", help="2,000 training and 1,000 test images, 1 epoch, one seed, "
                   "mining from the untrained model's embeddings")
    p.add_argument("--protocols", default="class,instance")
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--train", type=int, default=10000, help="training images (the first ones)")
    p.add_argument("--test", type=int, default=10000, help="evaluation images")
    p.add_argument("--eval", choices=("test", "val"), default="test",
                   help="evaluate on the test images, or on held-out training images (for tuning)")
    p.add_argument("--val", type=int, default=10000, help="held-out training images at the end of the "
                   "training set that --eval val uses (never trained on when --train stays below 60,000 - --val)")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seeds", default="0,1")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--items-per-label", type=int, default=16, help="K of the class protocol's P x K batches")
    p.add_argument("--neighbours", default="16", help="neighbours each anchor pulls in (fewer: easier)")
    p.add_argument("--rank-from", default="0", help="anchors skip their first N neighbours (larger: easier)")
    p.add_argument("--random-share", default="0", help="share of random labels per P x K batch (class only)")
    p.add_argument("--mine-from", default="1", help="first mined epoch (earlier epochs use random batches)")
    p.add_argument("--temperature", default="class=0.1,instance=0.07")
    p.add_argument("--k", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="neghash worker threads")
    p.add_argument("--torch-threads", type=int, default=1, help="PyTorch threads (on a busy 2-core machine one "
                   "thread trained about 3x faster than two)")
    p.add_argument("--results", type=Path, help="JSON file for every run's per-epoch record")
    args = p.parse_args()
    if args.smoke:
        args.train, args.test, args.epochs, args.seeds, args.mine_from = 2000, 1000, 1, "0", "0"
        if args.modes == ",".join(MODES):
            args.modes = "random,lsh512,exact"
    torch.set_num_threads(args.torch_threads)
    protocols = args.protocols.split(",")
    modes = args.modes.split(",")
    for name, values, known in (("protocol", protocols, PROTOCOLS), ("mode", modes, MODES)):
        unknown = [v for v in values if v not in known]
        if unknown:
            sys.exit(f"unknown {name}: {', '.join(unknown)} (known: {', '.join(known)})")
    if args.eval == "val" and args.train > 60000 - args.val:
        sys.exit(f"--eval val holds out the last {args.val} training images: use --train {60000 - args.val} or less")
    x, y = load("train", 0, args.train)
    xt, yt = load("train", 60000 - args.val, min(args.test, args.val)) if args.eval == "val" \
        else load("test", 0, args.test)
    data = {"x": x, "y": y, "xt": xt, "yt": yt}
    if "instance" in protocols:
        data["xa"], data["xb"] = views(x, TRAIN_VIEW_SEED)
        data["xta"], data["xtb"] = views(xt, TEST_VIEW_SEED)
    seeds = [int(v) for v in args.seeds.split(",")]
    record: dict[str, Any] = {
        "config": {key: (str(v) if isinstance(v, Path) else v) for key, v in vars(args).items()},
        "settings": {protocol: settings(args, protocol) for protocol in protocols},
        "machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "runs": []}
    start = time.perf_counter()
    for protocol in protocols:
        for seed in seeds:
            for mode in modes:
                epochs = train(args, protocol, mode, seed, data)
                record["runs"].append({"protocol": protocol, "mode": mode, "seed": seed, "epochs": epochs})
                last = epochs[-1]
                print(f"{protocol} {mode} seed {seed}: R@1 {100 * last['r1']:.2f}, R@5 {100 * last['r5']:.2f}",
                      flush=True)
                record["wall_s"] = time.perf_counter() - start
                if args.results:
                    args.results.parent.mkdir(parents=True, exist_ok=True)
                    args.results.write_text(json.dumps(record, indent=1) + "\n")
    print(f"\nfinal epoch, mean over seeds {seeds} ({args.eval} images):")
    print(f"{'protocol':9s} {'mode':7s} {'R@1':>6s} {'R@5':>6s}")
    for protocol in protocols:
        for mode in modes:
            runs = [r["epochs"][-1] for r in record["runs"] if r["protocol"] == protocol and r["mode"] == mode]
            print(f"{protocol:9s} {mode:7s} {100 * np.mean([r['r1'] for r in runs]):6.2f} "
                  f"{100 * np.mean([r['r5'] for r in runs]):6.2f}")
    print(f"wall time {record['wall_s']:.0f} s")


if __name__ == "__main__":
    main()
