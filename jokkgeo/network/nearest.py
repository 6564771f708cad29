"""Exact nearest straight road piece for many points: bucket grids with a proof of completeness.

Snapping 100,000 places to the nearest point of the nearest road must cost
about as much as a KD-tree query to the nearest *node*, yet be exact, and the
index must be cheap to build (about a second for a million pieces).
:class:`PieceIndex` is three uniform grids (:data:`LEVELS`): a fine one (cell
``c``, about half the median piece length) and two 4 and 16 times coarser. In
each grid a piece is listed in every cell that its bounding box, widened by
the grid's margin ``r`` on every side, overlaps: the *widened cell* (the cell
grown by ``r``) holds every piece that comes into it.

A query takes the point's cell in the fine grid, computes the distance to
every listed piece and keeps the nearest, at distance ``D``. That answer is
proven exact when ``D <= r + e``, where ``e`` is the point's distance to the
edge of its cell: the disc of radius ``D`` around the point then lies in the
widened cell, so every piece at most ``D`` away comes into it and is listed.
Points without that proof (far from the roads, or in an empty cell) try the
coarser grids the same way; points no grid proves (far outside the
pieces' extent, or far from all roads) get piece ``-1`` and the caller asks
shapely's STR-tree (``jokkgeo.analysis.accessibility`` does).

Building is pure numpy and computes no geometry: the pieces are sorted once by
their first cell, so the (cell, piece) pairs of each offset from it come out
sorted by cell, and a counting sort (``bincount`` + ``cumsum`` start offsets)
places them; no ``argsort`` of all pairs, no ``ufunc.at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

LEVELS = ((1.0, 1.0), (4.0, 0.5), (16.0, 0.5))
"""The grids, as (cell in fine cells, margin in cells): a fine grid with a one-cell margin proves
about 90 % of the points near roads; grids 4 and 16 times coarser with a half-cell margin prove most of the
rest (points up to about 8 fine cells from a road, more in the middle of a cell)."""
CELL_PER_PIECE = 0.6
"""Default fine cell: this share of the median piece length (balances pairs stored against candidates per point)."""
MAX_CELLS_PER_PIECE = 4.0
"""The fine grid has at most this many cells per piece (its cell grows where the pieces' extent is large)."""
MAX_OFFSETS = 64
"""Above this many cells per widened piece box, a grid is built by sorting all pairs (fewer Python steps)."""
RAGGED_BELOW = 2048
"""Query: once fewer points than this have candidates left, take all their remaining candidates in one pass."""
MIN_CELL_M = 1.0
"""Smallest fine cell (m)."""


def _direction(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per piece ``bx - ax``, ``by - ay`` and ``1 / length²`` (0 for zero-length pieces)."""
    vx, vy = bx - ax, by - ay
    vv = vx * vx + vy * vy
    return vx, vy, np.divide(1.0, vv, out=np.zeros_like(vv), where=vv > 0)


def _sq_distance(px: np.ndarray, py: np.ndarray, ax: np.ndarray, ay: np.ndarray, vx: np.ndarray, vy: np.ndarray,
                 inv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared distance from points to pieces ``a -> a + v`` and the position ``t`` (0..1) of the nearest point."""
    dx = px - ax
    dy = py - ay
    t = dx * vx
    t += dy * vy
    t *= inv
    np.clip(t, 0.0, 1.0, out=t)
    dx -= t * vx
    dy -= t * vy
    dx *= dx
    dy *= dy
    dx += dy
    return dx, t


@dataclass(frozen=True)
class BucketGrid:
    """One bucket grid: cell ``(i, j)`` (``i`` along x) is number ``i * ny + j``; its pieces are
    ``candidates[ptr[cell]:ptr[cell + 1]]`` listed with margin ``margin_m``."""

    origin_x: float
    origin_y: float
    cell_m: float
    margin_m: float
    nx: int
    ny: int
    ptr: np.ndarray
    candidates: np.ndarray

    @classmethod
    def build(cls, box: tuple[np.ndarray, ...], cell_m: float, margin_m: float, origin: tuple[float, float],
              shape: tuple[int, int]) -> BucketGrid:
        """List each piece in every cell its bounding box, widened by ``margin_m``, meets.

        Parameters
        ----------
        box
            ``(x0, y0, x1, y1)``: the pieces' bounding boxes (m).
        cell_m
            Cell side (m).
        margin_m
            Widening of each box on every side (m).
        origin
            Lower-left corner of the grid (m).
        shape
            ``(nx, ny)``: cells along x and y.
        """
        x0, y0, x1, y1 = box
        (ox, oy), (nx, ny) = origin, shape
        r = margin_m
        pad = r * (1 + 1e-9) + 1e-9 * cell_m  # a hair wider than the proof needs (rounding)
        i0 = np.clip(np.floor((x0 - pad - ox) / cell_m), 0, nx - 1).astype(np.int64)
        i1 = np.clip(np.floor((x1 + pad - ox) / cell_m), 0, nx - 1).astype(np.int64)
        j0 = np.clip(np.floor((y0 - pad - oy) / cell_m), 0, ny - 1).astype(np.int64)
        j1 = np.clip(np.floor((y1 + pad - oy) / cell_m), 0, ny - 1).astype(np.int64)
        ni, nj = i1 - i0 + 1, j1 - j0 + 1
        n_cells = nx * ny
        if int(ni.max()) * int(nj.max()) > MAX_OFFSETS:  # pieces many cells long: generate all pairs, sort them
            per = ni * nj
            k = np.arange(int(per.sum()), dtype=np.int64) - np.repeat(np.cumsum(per) - per, per)
            nj_p = np.repeat(nj, per)
            key = np.repeat(i0 * ny + j0, per) + (k // nj_p) * ny + k % nj_p
            order = np.argsort(key, kind="stable")
            ptr = np.zeros(n_cells + 1, dtype=np.int64)
            np.cumsum(np.bincount(key, minlength=n_cells), out=ptr[1:])
            candidates = np.repeat(np.arange(len(x0), dtype=np.int32), per)[order]
            return cls(float(ox), float(oy), float(cell_m), float(r), int(nx), int(ny), ptr, candidates)
        # pieces by their first cell: then each offset (di, dj) from it gives the pairs of that offset sorted
        # by cell, and a counting sort places them without sorting all pairs
        small = n_cells < 2**31 and int((ni * nj).sum()) < 2**31
        itype = np.int32 if small else np.int64  # half the memory traffic
        base = (i0 * ny + j0).astype(itype)
        by_base = np.argsort(base, kind="stable").astype(itype)
        base, ni, nj = base[by_base], ni[by_base], nj[by_base]

        def runs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """Start, length and rank within runs of equal values of a sorted array."""
            first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]).astype(itype)
            run = np.diff(np.r_[first, len(key)]).astype(itype)
            return first, run, np.arange(len(key), dtype=itype) - np.repeat(first, run)

        every = runs(base)  # offsets every piece has (most of them): the runs of the first cells themselves
        groups = []
        n_full = int(ni.min()), int(nj.min())
        for di in range(int(ni.max())):
            wide = np.flatnonzero(ni > di)
            for dj in range(int(nj[wide].max())):
                off = di * ny + dj
                if di < n_full[0] and dj < n_full[1]:
                    groups.append((slice(None), base + off, every))
                else:
                    take = wide[nj[wide] > dj]
                    key = base[take] + off
                    groups.append((take, key, runs(key)))
        counts = np.zeros(n_cells, dtype=np.int64)
        for _, key, (first, run, _) in groups:
            counts[key[first]] += run  # distinct cells within one offset
        ptr = np.zeros(n_cells + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        fill = ptr[:-1].astype(itype)
        candidates = np.empty(int(ptr[-1]), dtype=np.int32)
        for take, key, (first, run, rank) in groups:
            candidates[fill[key] + rank] = by_base[take]
            fill[key[first]] += run
        return cls(float(ox), float(oy), float(cell_m), float(r), int(nx), int(ny), ptr, candidates)

    def cells_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell number of each point (-1 outside the grid or NaN) and the point's distance to its cell's edge.

        Parameters
        ----------
        x, y
            Point coordinates (m).
        """
        with np.errstate(invalid="ignore"):
            fx = (x - self.origin_x) / self.cell_m
            fy = (y - self.origin_y) / self.cell_m
            i, j = np.floor(fx), np.floor(fy)
            inside = (i >= 0) & (i < self.nx) & (j >= 0) & (j < self.ny)
        fx -= i
        fy -= j
        edge = np.minimum(np.minimum(fx, 1 - fx), np.minimum(fy, 1 - fy)) * self.cell_m
        cell = np.where(inside, i * self.ny + j, -1).astype(np.int64)
        return cell, edge


@dataclass(frozen=True)
class PieceIndex:
    """Two bucket grids over straight pieces ``(ax, ay) -> (bx, by)`` (see the module docstring).

    Build with :meth:`build`; query with :meth:`nearest`.
    """

    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    grids: tuple[BucketGrid, ...]

    @property
    def n_pairs(self) -> int:
        """(cell, piece) pairs stored over all grids."""
        return sum(len(g.candidates) for g in self.grids)

    @cached_property
    def _direction(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _direction(self.ax, self.ay, self.bx, self.by)

    @classmethod
    def build(cls, ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray, *,
              cell_m: float | None = None) -> PieceIndex:
        """Index the pieces (coordinates in metres; at least one piece).

        Parameters
        ----------
        ax, ay, bx, by
            Start and end coordinates (m) of each straight piece.
        cell_m
            Fine grid cell (m); default :data:`CELL_PER_PIECE` times the median
            piece length; grown where needed so the grid has at most
            :data:`MAX_CELLS_PER_PIECE` cells per piece (or 65,536 cells). The other grids scale
            with it (:data:`LEVELS`). A speed setting only: answers are exact
            for any value.

        Examples
        --------
        >>> index = PieceIndex.build([0.0], [0.0], [100.0], [0.0])
        >>> piece, t, dist = index.nearest([30.0], [40.0])
        >>> int(piece[0]), float(t[0]), float(dist[0])
        (0, 0.3, 40.0)
        """
        ax, ay, bx, by = (np.asarray(v, dtype=float) for v in (ax, ay, bx, by))
        x0, x1 = np.minimum(ax, bx), np.maximum(ax, bx)
        y0, y1 = np.minimum(ay, by), np.maximum(ay, by)
        ex0, ex1, ey0, ey1 = float(x0.min()), float(x1.max()), float(y0.min()), float(y1.max())
        extent = max(ex1 - ex0, ey1 - ey0, MIN_CELL_M)
        if cell_m is None:
            length = np.hypot(bx - ax, by - ay)
            cell_m = CELL_PER_PIECE * float(np.median(length))
        # at most MAX_CELLS_PER_PIECE cells per piece (and never fewer than 2**16 allowed): bounded memory
        cell_m = max(float(cell_m), MIN_CELL_M, extent / np.sqrt(max(MAX_CELLS_PER_PIECE * len(ax), 2**16)))
        grids = []
        for factor, margin in LEVELS:
            size, r = cell_m * factor, cell_m * factor * margin
            # the grid reaches one margin beyond the pieces on every side (points there can still be proven)
            ox, oy = ex0 - r, ey0 - r
            nx = int(np.floor((ex1 + r - ox) / size)) + 1
            ny = int(np.floor((ey1 + r - oy) / size)) + 1
            grids.append(BucketGrid.build((x0, y0, x1, y1), size, r, (ox, oy), (nx, ny)))
        return cls(ax, ay, bx, by, tuple(grids))

    def _ragged(self, grid: BucketGrid, px: np.ndarray, py: np.ndarray, lo: np.ndarray, count: np.ndarray,
                best: np.ndarray, best_c: np.ndarray, best_t: np.ndarray) -> None:
        """Candidates ``lo .. lo + count`` of the first ``len(px)`` points at once (updates ``best*`` in place)."""
        start = np.cumsum(count) - count
        pos = np.repeat(lo - start, count)
        pos += np.arange(len(pos))
        cand = np.take(grid.candidates, pos)
        d2, t = _sq_distance(np.repeat(px, count), np.repeat(py, count), np.take(self.ax, cand),
                             np.take(self.ay, cand), *(np.take(v, cand) for v in self._direction))
        mins = np.minimum.reduceat(d2, start)
        hit = np.flatnonzero(d2 <= np.repeat(mins, count))
        row = np.repeat(np.arange(len(start)), count)[hit]
        first = hit[np.r_[True, row[1:] != row[:-1]]]  # per point its first nearest candidate
        k = len(px)
        better = mins < best[:k]
        np.copyto(best[:k], mins, where=better)
        np.copyto(best_c[:k], cand[first], where=better)
        np.copyto(best_t[:k], t[first], where=better)

    def nearest(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest piece of each point: ``(piece or -1, position t 0..1 along it, distance m)``.

        Exact (ties between equally near pieces go to one of them). Points the
        grids cannot answer with proof (far from every piece) or with NaN
        coordinates get ``(-1, 0, inf)``.

        Parameters
        ----------
        x, y
            Point coordinates (m).
        """
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        n = len(x)
        piece = np.full(n, -1, dtype=np.int64)
        t_out = np.zeros(n)
        dist = np.full(n, np.inf)
        todo = np.arange(n)
        vx, vy, inv = self._direction
        for grid in self.grids:
            if not todo.size:
                break
            cell, edge = grid.cells_of(x[todo], y[todo])
            lo = np.take(grid.ptr, np.maximum(cell, 0))
            count = np.where(cell >= 0, np.take(grid.ptr, cell + 1) - lo, 0)
            # points by number of candidates, most first: candidate slot s is then a prefix of the points
            small = np.int16 if count.max(initial=0) < 2**15 else np.int64  # int16: a radix sort
            order = np.argsort(np.negative(count).astype(small), kind="stable")
            count = count[order]
            n_gt = len(count) - np.cumsum(np.bincount(count))  # points with more than s candidates
            m = int(n_gt[0])
            if not m:
                continue
            empty = todo[order[m:]]  # no candidate in this grid: the next grid
            pts, lo, edge, count = todo[order[:m]], lo[order[:m]], edge[order[:m]], count[:m]
            px, py = np.take(x, pts), np.take(y, pts)
            best = np.full(m, np.inf)
            best_c = np.zeros(m, dtype=np.int64)
            best_t = np.zeros(m)
            for slot in range(len(n_gt) - 1):
                k = int(n_gt[slot])
                if k < RAGGED_BELOW:  # the few points with long lists: their remaining candidates in one pass
                    self._ragged(grid, px[:k], py[:k], lo[:k] + slot, count[:k] - slot, best, best_c, best_t)
                    break
                c = np.take(grid.candidates, lo[:k] + slot)
                d2, t = _sq_distance(px[:k], py[:k], np.take(self.ax, c), np.take(self.ay, c), np.take(vx, c),
                                     np.take(vy, c), np.take(inv, c))
                better = d2 < best[:k]  # strictly: among equally near pieces the first listed
                np.copyto(best[:k], d2, where=better)
                np.copyto(best_c[:k], c, where=better)
                np.copyto(best_t[:k], t, where=better)
            d = np.sqrt(best)
            proven = d <= grid.margin_m + edge
            done = pts[proven]
            piece[done], t_out[done], dist[done] = best_c[proven], best_t[proven], d[proven]
            todo = np.concatenate([empty, pts[~proven]])
        return piece, t_out, dist
