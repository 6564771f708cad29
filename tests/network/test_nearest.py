"""The quadtree nearest-piece index: hand-solved cases and brute force on random pieces."""

import numpy as np
import pytest

from jokkgeo.network.nearest import PieceIndex


def brute_force(px, py, ax, ay, bx, by):
    """Distance from every point to every piece, by the textbook formula (points x pieces)."""
    vx, vy = bx - ax, by - ay
    vv = vx * vx + vy * vy
    t = ((px[:, None] - ax) * vx + (py[:, None] - ay) * vy) / np.where(vv > 0, vv, 1)
    t = np.clip(np.where(vv > 0, t, 0), 0, 1)
    return np.hypot(ax + t * vx - px[:, None], ay + t * vy - py[:, None])


def test_one_piece_by_hand():
    index = PieceIndex.build([0.0], [0.0], [100.0], [0.0])  # root square: x -5.55 .. 105.55 (5 % margins)
    piece, t, dist = index.nearest(np.array([30.0, 103.0, -3.0, 50.0, 1e7, np.nan]),
                                   np.array([40.0, 4.0, -4.0, 0.0, 0.0, 0.0]))
    # above the piece: 40 m at 30 %; beyond either end: 3-4-5 triangles to the end points; on it: 0
    np.testing.assert_allclose(dist[:4], [40.0, 5.0, 5.0, 0.0])
    np.testing.assert_allclose(t[:4], [0.3, 1.0, 0.0, 0.5])
    assert piece[:4].tolist() == [0, 0, 0, 0]
    # far outside the indexed square, or no coordinates: no answer (callers fall back)
    assert piece[4:].tolist() == [-1, -1] and np.isinf(dist[4:]).all()


def test_two_parallel_roads_by_hand():
    # y = 0 and y = 100, both from x = 0 to 1000: a point at y = 30 is 30 m from the first, 70 m from the second
    index = PieceIndex.build([0.0, 0.0], [0.0, 100.0], [1000.0, 1000.0], [0.0, 100.0], max_candidates=1)
    piece, _, dist = index.nearest(np.array([500.0, 500.0, 10.0]), np.array([30.0, 80.0, 51.0]))
    assert piece.tolist() == [0, 1, 1]
    np.testing.assert_allclose(dist, [30.0, 20.0, 49.0])


@pytest.mark.parametrize("max_candidates", [1, 3, 10])
def test_random_pieces_match_brute_force(max_candidates):
    rng = np.random.default_rng(11)
    n = 300
    ax, ay = rng.uniform(0, 10_000, n), rng.uniform(0, 10_000, n)
    bx, by = ax + rng.normal(0, 300, n), ay + rng.normal(0, 300, n)
    bx[:5], by[:5] = ax[:5], ay[:5]  # zero-length pieces are points
    # a junction: twelve pieces meeting at one point (leaves there cannot get below twelve candidates)
    ang = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    ax = np.r_[ax, np.full(12, 5000.0)]
    ay = np.r_[ay, np.full(12, 5000.0)]
    bx, by = np.r_[bx, 5000 + 200 * np.cos(ang)], np.r_[by, 5000 + 200 * np.sin(ang)]
    index = PieceIndex.build(ax, ay, bx, by, max_candidates=max_candidates, min_cell_m=2.0)
    px = np.r_[rng.uniform(-300, 10_300, 4000), 5000 + rng.normal(0, 5, 500)]
    py = np.r_[rng.uniform(-300, 10_300, 4000), 5000 + rng.normal(0, 5, 500)]
    piece, t, dist = index.nearest(px, py)
    d_all = brute_force(px, py, ax, ay, bx, by)
    assert (piece >= 0).all()
    np.testing.assert_allclose(dist, d_all.min(axis=1), rtol=0, atol=1e-9)
    # the returned piece and position give that distance
    qx, qy = ax[piece] + t * (bx[piece] - ax[piece]), ay[piece] + t * (by[piece] - ay[piece])
    np.testing.assert_allclose(np.hypot(qx - px, qy - py), dist, atol=1e-9)
    # leaves hold at most max_candidates pieces unless they reached the minimum cell size
    leaf = index.first_child < 0
    counts = np.diff(index.ptr)[leaf]
    assert counts.min() >= 1
    if max_candidates == 1:
        assert counts.max() >= 12  # the junction
        assert index.n_cells > index.n_root ** 2  # the tree was refined
