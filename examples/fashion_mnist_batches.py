"""Random vs NegHash LSH vs exact-mined batches on Fashion-MNIST: a small CNN trained with a
supervised contrastive (InfoNCE) loss, P x K batches, CPU only.

Every epoch from --mine-from on, the training set's embeddings are computed with the current model
and the next epoch's batches are built by ``neghash batches`` (LSH codes, or exact cosine with
--exact); the other modes and earlier epochs use random batches. Prints, per epoch, the loss and
how hard the batches are (mean over items of the highest cosine to another label's item in the
batch, and the same for random batches), and at the end Recall@1 on the test set (each test image's
nearest other test image by cosine has its label).

    examples/run --smoke                     # 2,000 images, 1 epoch, all three modes: a few minutes
    examples/run --train 20000 --epochs 7 --seeds 0,1   # the full comparison (hours on CPU)
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

DATA = Path("/usr/share/datasets/fashion-mnist")  # Debian package dataset-fashion-mnist
ROOT = Path(__file__).resolve().parents[1]
HARDNESS = re.compile(r"batches: (\d+) of \d+, (\d+) items left out, hardness ([0-9.]+|NaN) "
                      r"\(random batches ([0-9.]+|NaN)\)")


def load(split: str, limit: int) -> tuple[np.ndarray, np.ndarray]:
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(DATA / f"{prefix}-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(DATA / f"{prefix}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    images = images[:limit].astype(np.float32) / 255.0
    return (images - 0.2860) / 0.3530, labels[:limit].astype(np.int32)


class Net(torch.nn.Module):
    def __init__(self, dim: int = 64) -> None:
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


@torch.no_grad()
def embed(model: Net, x: np.ndarray, chunk: int = 1000) -> np.ndarray:
    model.eval()
    out = [model(torch.from_numpy(x[i:i + chunk])).numpy() for i in range(0, len(x), chunk)]
    model.train()
    return np.concatenate(out).astype(np.float32)


def recall_at_1(z: np.ndarray, y: np.ndarray, chunk: int = 1000) -> float:
    hits = 0
    for i in range(0, len(z), chunk):
        sim = z[i:i + chunk] @ z.T
        sim[np.arange(sim.shape[0]), i + np.arange(sim.shape[0])] = -np.inf
        hits += int((y[sim.argmax(1)] == y[i:i + chunk]).sum())
    return hits / len(z)


def random_batches(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    order = rng.permutation(n)
    return order[: n // size * size].reshape(-1, size)


def mined_batches(args: argparse.Namespace, emb: np.ndarray, labels: np.ndarray, exact: bool, seed: int,
                  work: Path) -> tuple[np.ndarray, str]:
    np.save(work / "emb.npy", emb)
    np.save(work / "labels.npy", labels)
    cmd = [str(ROOT / "neghash"), "batches", "--embeddings", str(work / "emb.npy"), "--labels",
           str(work / "labels.npy"), "--k", str(args.k), "--batch-size", str(args.batch_size),
           "--items-per-label", str(args.items_per_label), "--neighbours", str(args.neighbours),
           "--random-share", str(args.random_share), "--bits", str(args.bits), "--seed", str(seed),
           "--threads", str(args.threads), "--out", str(work / "run")]
    if exact:
        cmd.append("--exact")
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"neghash batches failed: {done.stderr.strip()}")
    summary = next((line for line in done.stdout.splitlines() if line.startswith("batches:")), "")
    found = HARDNESS.search(summary)
    note = (f"{found.group(1)} batches, {found.group(2)} left out, hardness {found.group(3)} "
            f"(random {found.group(4)})") if found else summary
    return np.load(work / "run.batches.npy"), note


def train(args: argparse.Namespace, mode: str, seed: int, data: tuple) -> float:
    x, y, xt, yt = data
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    with tempfile.TemporaryDirectory(prefix="neghash-example-") as tmp:
        for epoch in range(args.epochs):
            t0 = time.time()
            if mode != "random" and epoch >= args.mine_from:
                batches, note = mined_batches(args, embed(model, x), y, mode == "exact", seed * 1000 + epoch,
                                              Path(tmp))
            else:
                batches, note = random_batches(len(x), args.batch_size, rng), "random batches"
            losses = []
            for row in batches[rng.permutation(len(batches))]:
                loss = supcon(model(torch.from_numpy(x[row])), torch.from_numpy(y[row]), args.temperature)
                opt.zero_grad()
                loss.backward()
                opt.step()
                losses.append(float(loss))
            print(f"  {mode:6s} seed {seed} epoch {epoch}: loss {np.mean(losses):.4f}, {note}, "
                  f"{time.time() - t0:.0f} s", flush=True)
    return recall_at_1(embed(model, xt), yt)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true", help="2,000 training and 1,000 test images, 1 epoch, mining "
                   "from the untrained model's embeddings")
    p.add_argument("--modes", default="random,lsh,exact")
    p.add_argument("--train", type=int, default=20000)
    p.add_argument("--test", type=int, default=10000)
    p.add_argument("--epochs", type=int, default=7)
    p.add_argument("--seeds", default="0,1")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--items-per-label", type=int, default=16)
    p.add_argument("--neighbours", type=int, default=16, help="neighbours each anchor pulls in (fewer: easier)")
    p.add_argument("--random-share", type=float, default=0.0)
    p.add_argument("--mine-from", type=int, default=1, help="first mined epoch (earlier epochs are random)")
    p.add_argument("--k", type=int, default=128)
    p.add_argument("--bits", type=int, default=512)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--temperature", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args()
    if args.smoke:
        args.train, args.test, args.epochs, args.seeds, args.mine_from = 2000, 1000, 1, "0", 0
    torch.set_num_threads(max(1, torch.get_num_threads()))
    x, y = load("train", args.train)
    xt, yt = load("test", args.test)
    data = (x, y, xt, yt)
    results: dict[str, list[float]] = {}
    for mode in args.modes.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            r1 = train(args, mode, seed, data)
            print(f"{mode} seed {seed}: R@1 {100 * r1:.2f}", flush=True)
            results.setdefault(mode, []).append(r1)
    print("mode     R@1 (mean over seeds)")
    for mode, values in results.items():
        print(f"{mode:8s} {100 * np.mean(values):.2f}  ({', '.join(f'{100 * v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
