"""The grid nearest-piece index: hand-solved cases and brute force on random pieces."""

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
    index = PieceIndex.build([0.0], [0.0], [100.0], [0.0])  # fine cell 60 m, margin 60 m
    piece, t, dist = index.nearest(np.array([30.0, 103.0, -3.0, 50.0, 1e7, np.nan]),
                                   np.array([40.0, 4.0, -4.0, 0.0, 0.0, 0.0]))
    # above the piece: 40 m at 30 %; beyond either end: 3-4-5 triangles to the end points; on it: 0
    np.testing.assert_allclose(dist[:4], [40.0, 5.0, 5.0, 0.0])
    np.testing.assert_allclose(t[:4], [0.3, 1.0, 0.0, 0.5])
    assert piece[:4].tolist() == [0, 0, 0, 0]
    # far outside the grids, or no coordinates: no answer (callers fall back)
    assert piece[4:].tolist() == [-1, -1] and np.isinf(dist[4:]).all()
    # with 10 m cells (grids of 10, 40 and 160 m, margins 10, 20 and 80 m) a point 200 m away is beyond every
    # grid's proof (at most 80 m + 40 m to its coarsest cell's edge): no answer; 9 m and 40 m away: answered
    small = PieceIndex.build([0.0], [0.0], [100.0], [0.0], cell_m=10.0)
    piece, _, dist = small.nearest(np.array([30.0, 30.0, 30.0]), np.array([200.0, 9.0, 40.0]))
    assert piece.tolist() == [-1, 0, 0] and dist[0] == np.inf
    np.testing.assert_allclose(dist[1:], [9.0, 40.0])


def test_two_parallel_roads_by_hand():
    # y = 0 and y = 100, both from x = 0 to 1000: a point at y = 30 is 30 m from the first, 70 m from the second
    index = PieceIndex.build([0.0, 0.0], [0.0, 100.0], [1000.0, 1000.0], [0.0, 100.0], cell_m=20.0)
    piece, _, dist = index.nearest(np.array([500.0, 500.0, 10.0]), np.array([30.0, 80.0, 51.0]))
    assert piece.tolist() == [0, 1, 1]
    np.testing.assert_allclose(dist, [30.0, 20.0, 49.0])


def test_ties_and_points_on_vertices():
    # an L of two pieces meeting at (100, 0), and a third piece parallel to the first at y = 20
    ax, ay = np.array([0.0, 100.0, 0.0]), np.array([0.0, 0.0, 20.0])
    bx, by = np.array([100.0, 100.0, 100.0]), np.array([0.0, 100.0, 20.0])
    index = PieceIndex.build(ax, ay, bx, by, cell_m=7.0)
    # on the shared vertex (both L pieces, distance 0); on a vertex of one piece; halfway between the parallels
    # (a tie at 10 m); on the third piece's end
    px, py = np.array([100.0, 0.0, 50.0, 0.0]), np.array([0.0, 0.0, 10.0, 20.0])
    piece, t, dist = index.nearest(px, py)
    np.testing.assert_allclose(dist, [0.0, 0.0, 10.0, 0.0], atol=1e-12)
    assert piece[0] in (0, 1) and piece[1] == 0 and piece[2] in (0, 2) and piece[3] == 2
    # whichever piece a tie goes to, its point at t is the nearest point
    qx, qy = ax[piece] + t * (bx[piece] - ax[piece]), ay[piece] + t * (by[piece] - ay[piece])
    np.testing.assert_allclose(np.hypot(qx - px, qy - py), dist, atol=1e-12)
    np.testing.assert_allclose([qx[0], qy[0]], [100.0, 0.0], atol=1e-12)


def test_empty_cells_and_far_points():
    # two short pieces 5 km apart: nearly every fine cell is empty; points in the empty middle are proven by the
    # coarse grid or left to the caller (-1), never answered wrongly
    ax, ay = np.array([0.0, 5000.0]), np.array([0.0, 0.0])
    bx, by = np.array([10.0, 5010.0]), np.array([0.0, 0.0])
    index = PieceIndex.build(ax, ay, bx, by, cell_m=5.0)
    px = np.array([2.0, 5005.0, 2500.0, 1200.0, 300.0, 4990.0, -1e5])
    py = np.array([3.0, -4.0, 0.0, 10.0, 50.0, 0.0, 0.0])
    piece, _, dist = index.nearest(px, py)
    exact = brute_force(px, py, ax, ay, bx, by)
    answered = piece >= 0
    assert answered[[0, 1, 5]].all() and not answered[6]
    np.testing.assert_allclose(dist[answered], exact.min(axis=1)[answered], atol=1e-9)
    assert (piece[answered] == exact.argmin(axis=1)[answered]).all()
    assert np.isinf(dist[~answered]).all()


@pytest.mark.parametrize("cell_m", [None, 3.0, 40.0, 700.0])
def test_random_pieces_match_brute_force(cell_m):
    rng = np.random.default_rng(11)
    n = 300
    ax, ay = rng.uniform(0, 10_000, n), rng.uniform(0, 10_000, n)
    bx, by = ax + rng.normal(0, 300, n), ay + rng.normal(0, 300, n)
    bx[:5], by[:5] = ax[:5], ay[:5]  # zero-length pieces are points
    # a junction: twelve pieces meeting at one point
    ang = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    ax = np.r_[ax, np.full(12, 5000.0)]
    ay = np.r_[ay, np.full(12, 5000.0)]
    bx, by = np.r_[bx, 5000 + 200 * np.cos(ang)], np.r_[by, 5000 + 200 * np.sin(ang)]
    index = PieceIndex.build(ax, ay, bx, by, cell_m=cell_m)
    px = np.r_[rng.uniform(-300, 10_300, 4000), 5000 + rng.normal(0, 5, 500)]
    py = np.r_[rng.uniform(-300, 10_300, 4000), 5000 + rng.normal(0, 5, 500)]
    piece, t, dist = index.nearest(px, py)
    d_all = brute_force(px, py, ax, ay, bx, by)
    answered = piece >= 0
    assert answered.mean() > (0.9 if cell_m is None else 0.3)  # small cells prove less; callers ask a tree
    np.testing.assert_allclose(dist[answered], d_all.min(axis=1)[answered], rtol=0, atol=1e-9)
    # the returned piece and position give that distance
    p = piece[answered]
    qx, qy = ax[p] + t[answered] * (bx[p] - ax[p]), ay[p] + t[answered] * (by[p] - ay[p])
    np.testing.assert_allclose(np.hypot(qx - px[answered], qy - py[answered]), dist[answered], atol=1e-9)
    # every grid lists each piece in every cell its widened box meets: at least once per grid
    for grid in index.grids:
        assert np.isin(np.arange(len(ax)), grid.candidates).all()
        assert grid.ptr[-1] == len(grid.candidates)
