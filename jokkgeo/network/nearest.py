"""Exact nearest straight road piece for many points: a quadtree of candidate lists.

Snapping 100,000 places to the nearest point of the nearest road must cost
about as much as a KD-tree query to the nearest *node*, yet be exact.
:class:`PieceIndex` gets there by doing the geometric work once per network:
a square is cut into cells, recursively (a quadtree), and every leaf cell
stores the pieces that can be the nearest piece of *some* point in the cell.
A query then finds the leaf of each point (a few array look-ups per tree
level) and projects the point onto that leaf's few candidates.

Why the lists are complete: let ``q`` be a cell's centre, ``h`` half its
diagonal and ``d`` the distance from ``q`` to its nearest piece. Any point
``p`` of the cell has a piece within ``d + h``, and its nearest piece ``P``
satisfies ``dist(q, P) <= dist(p, P) + h <= d + 2h``. So the pieces within
``d + 2h`` of the centre are all the candidates the cell needs. A child cell's
candidates are a subset of its parent's, so each level only re-examines the
parent's list. Cells are split while they hold more than ``max_candidates``
pieces, are larger than ``min_cell_m`` and splitting pays (:data:`SPLIT_GAIN`:
not where many pieces meet at one point, e.g. a junction, nor far from all
roads, where a road's pieces are almost equally near).

Points outside the root square get piece ``-1``; callers decide what to do
with them (``jokkgeo.analysis.accessibility`` asks shapely's STR-tree).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely

MAX_CANDIDATES = 8
"""Split a cell while more pieces than this can be nearest to one of its points."""
MIN_CELL_M = 5.0
"""Never split a cell smaller than this (metres)."""
SPLIT_GAIN = 0.6
"""Split a crowded cell only if its children keep on average at most this share of its candidates.

Far from all roads a child keeps about 1/sqrt(2) of its parent's pieces (they are almost equally near),
so splitting there would only multiply the cells; near roads a child keeps about half.
"""
MARGIN = 0.05
"""The root square reaches this share of the pieces' extent beyond them on each side."""
ROOT_CELLS_PER_PIECE = 1 / 16
"""Root cells per piece over the pieces' extent (8 to 4096 root cells per side in all)."""


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


def _first_min(d: np.ndarray, start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group of consecutive values (``start``, ``count`` > 0): the minimum and the position of its first hit."""
    mins = np.minimum.reduceat(d, start)
    hit = np.flatnonzero(d <= np.repeat(mins, count))
    row = np.repeat(np.arange(len(start)), count)[hit]
    first = hit[np.r_[True, row[1:] != row[:-1]]]
    return mins, first


@dataclass(frozen=True)
class PieceIndex:
    """Quadtree over straight pieces ``(ax, ay) -> (bx, by)`` (see the module docstring).

    Build with :meth:`build`; query with :meth:`nearest`. Cells are numbered
    root cells first (row-major, ``n_root`` per side); ``first_child[c]`` is
    the first of the four children of cell ``c`` (order: -x-y, -x+y, +x-y,
    +x+y) or -1 for a leaf, whose candidates are
    ``candidates[ptr[c]:ptr[c + 1]]``.
    """

    ax: np.ndarray
    ay: np.ndarray
    bx: np.ndarray
    by: np.ndarray
    origin_x: float
    origin_y: float
    root_cell_m: float
    n_root: int
    centre_x: np.ndarray
    centre_y: np.ndarray
    first_child: np.ndarray
    ptr: np.ndarray
    candidates: np.ndarray

    @property
    def n_cells(self) -> int:
        return len(self.first_child)

    @cached_property
    def _direction(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _direction(self.ax, self.ay, self.bx, self.by)

    @classmethod
    def build(cls, ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray, *,
              max_candidates: int | None = None, min_cell_m: float | None = None) -> PieceIndex:
        """Index the pieces (coordinates in metres; at least one piece).

        Defaults: :data:`MAX_CANDIDATES`, :data:`MIN_CELL_M`.

        Parameters
        ----------
        ax, ay, bx, by
            Start and end coordinates (m) of each straight piece.
        max_candidates
            Pieces per quadtree cell before it is split.
        min_cell_m
            Smallest cell side (m).
        """
        max_candidates = MAX_CANDIDATES if max_candidates is None else max_candidates
        min_cell_m = MIN_CELL_M if min_cell_m is None else min_cell_m
        ax, ay, bx, by = (np.asarray(v, dtype=float) for v in (ax, ay, bx, by))
        x0, x1 = min(ax.min(), bx.min()), max(ax.max(), bx.max())
        y0, y1 = min(ay.min(), by.min()), max(ay.max(), by.max())
        # a square centred on the pieces, reaching a little beyond the outermost ones
        extent = max(x1 - x0, y1 - y0) + 1.0
        side = (1 + 2 * MARGIN) * extent
        n_root = int(np.clip(np.ceil(side / extent * np.sqrt(len(ax) * ROOT_CELLS_PER_PIECE)), 8, 4096))
        cell = side / n_root
        ox, oy = (x0 + x1 - side) / 2, (y0 + y1 - side) / 2
        ii, jj = np.meshgrid(np.arange(n_root), np.arange(n_root), indexing="ij")
        cx, cy = ox + (ii.ravel() + 0.5) * cell, oy + (jj.ravel() + 0.5) * cell
        # root candidates from an STR-tree: the pieces within d + 2h of each root cell's centre
        tree = shapely.STRtree(shapely.linestrings(np.stack([np.column_stack([ax, ay]),
                                                             np.column_stack([bx, by])], axis=1)))
        centres = shapely.points(cx, cy)
        _, d = tree.query_nearest(centres, return_distance=True, all_matches=False)
        row, piece = tree.query(centres, predicate="dwithin", distance=d + cell * np.sqrt(2) * (1 + 1e-9))
        vx, vy, inv = _direction(ax, ay, bx, by)

        ids = np.arange(len(cx))
        n_cells = len(cx)
        centres_x, centres_y, parents, firsts, leaf_cells, leaf_pieces = [cx], [cy], [], [], [], []
        size = cell
        while ids.size:
            count = np.bincount(row, minlength=len(ids))
            s = np.flatnonzero((count > max_candidates) & (size / 2 >= min_cell_m))
            if s.size:
                # the children of the crowded cells: each inherits its parent's list and keeps the
                # pieces within d + 2h of its centre
                q = size / 4
                ccx = (cx[s][:, None] + np.array([-q, -q, q, q])).ravel()
                ccy = (cy[s][:, None] + np.array([-q, q, -q, q])).ravel()
                position = np.full(len(ids), -1, dtype=np.int64)
                position[s] = np.arange(len(s))
                inherit = position[row] >= 0
                child = (4 * position[row[inherit]][:, None] + np.arange(4)).ravel()
                cpiece = np.repeat(piece[inherit], 4)
                d2, _ = _sq_distance(ccx[child], ccy[child], ax[cpiece], ay[cpiece], vx[cpiece], vy[cpiece],
                                     inv[cpiece])
                bound = np.full(len(ccx), np.inf)
                np.minimum.at(bound, child, d2)
                bound = ((np.sqrt(bound) + size / 2 * np.sqrt(2)) * (1 + 1e-9)) ** 2
                near = d2 <= bound[child]
                child, cpiece = child[near], cpiece[near]
                # split only where it pays: the children keep on average at most SPLIT_GAIN of the list
                # (not so far from all roads, where a road's pieces are almost equally near, nor at
                # junctions, where many pieces meet at one point)
                kept = np.bincount(child // 4, minlength=len(s))
                useful = kept <= 4 * SPLIT_GAIN * count[s]
                renumber = np.cumsum(useful) - 1
                keep_pair = useful[child // 4]
                child, cpiece = 4 * renumber[child[keep_pair] // 4] + child[keep_pair] % 4, cpiece[keep_pair]
                ccx, ccy = ccx.reshape(-1, 4)[useful].ravel(), ccy.reshape(-1, 4)[useful].ravel()
                s = s[useful]
            split = np.zeros(len(ids), dtype=bool)
            split[s] = True
            leaf = ~split[row]
            leaf_cells.append(ids[row[leaf]])
            leaf_pieces.append(piece[leaf])
            if not s.size:
                break
            parents.append(ids[s])
            firsts.append(n_cells + 4 * np.arange(len(s)))
            cx, cy, row, piece = ccx, ccy, child, cpiece
            size /= 2
            ids = n_cells + np.arange(len(cx))
            n_cells += len(cx)
            centres_x.append(cx)
            centres_y.append(cy)
        first_child = np.full(n_cells, -1, dtype=np.int64)
        if parents:
            first_child[np.concatenate(parents)] = np.concatenate(firsts)
        cells = np.concatenate(leaf_cells)
        order = np.argsort(cells, kind="stable")
        ptr = np.zeros(n_cells + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=n_cells), out=ptr[1:])
        return cls(ax, ay, bx, by, float(ox), float(oy), float(cell), n_root, np.concatenate(centres_x),
                   np.concatenate(centres_y), first_child, ptr, np.concatenate(leaf_pieces)[order].astype(np.int32))

    def nearest(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest piece of each point: ``(piece or -1, position t 0..1 along it, distance m)``.

        Exact (ties between equally near pieces go to one of them). Points
        outside the root square or with NaN coordinates get ``(-1, 0, inf)``.

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
        with np.errstate(invalid="ignore"):
            i = np.floor((x - self.origin_x) / self.root_cell_m)
            j = np.floor((y - self.origin_y) / self.root_cell_m)
            inside = np.flatnonzero((i >= 0) & (i < self.n_root) & (j >= 0) & (j < self.n_root))
        if not inside.size:
            return piece, t_out, dist
        px, py = x[inside], y[inside]
        cell = i[inside].astype(np.int64) * self.n_root + j[inside].astype(np.int64)
        todo = np.arange(len(inside))
        while todo.size:  # descend: one step per tree level
            child = self.first_child[cell[todo]]
            inner = child >= 0
            todo = todo[inner]
            parent = cell[todo]
            cell[todo] = (child[inner] + 2 * (px[todo] >= self.centre_x[parent])
                          + (py[todo] >= self.centre_y[parent]))
        lo = np.take(self.ptr, cell)
        count = np.take(self.ptr, cell + 1) - lo
        start = np.cumsum(count) - count
        pos = np.repeat(lo - start, count)
        pos += np.arange(len(pos))
        cand = np.take(self.candidates, pos)
        # squared distances to every candidate, square roots for the winners only (np.take and np.repeat:
        # faster than fancy indexing for these long gathers)
        d2, t = _sq_distance(np.repeat(px, count), np.repeat(py, count), np.take(self.ax, cand),
                             np.take(self.ay, cand), *(np.take(v, cand) for v in self._direction))
        mins, first = _first_min(d2, start, count)
        piece[inside], t_out[inside], dist[inside] = cand[first], t[first], np.sqrt(mins)
        return piece, t_out, dist
