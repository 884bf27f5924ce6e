"""Weibull threshold and decision times of Wong & Wang (2006) against the pre-stimulus period.

An independent numpy implementation of the published reduced model (Wong & Wang 2006,
J. Neurosci. 26:1314, eqs. 4-8 and Table 1), used to compute the expected values of
scenarios/validation/wong_wang_2006.yaml for its own pre-stimulus (fixation) period:

    dS_i/dt   = -S_i / tau_S + (1 - S_i) gamma H(x_i)
    x_1       = J11 S_1 - J12 S_2 + I_0 + I_1 + I_noise,1   (and symmetrically for pool 2)
    H(x)      = (a x - b) / (1 - exp(-d (a x - b)))
    tau_AMPA dI_noise/dt = -I_noise + xi(t) sqrt(tau_AMPA) sigma_noise
    I_i       = J_ext mu0 (1 +- c / 100)                    (stimulus epoch only)

During the pre-stimulus period only I_0 and the noise drive the pools. Choice: the first pool
whose rate H(x) reaches 15 Hz at or after stimulus onset (larger mean rate over the last 10 %
of the window if none does); decision time from stimulus onset, correct trials.
Weibull P = 1 - 0.5 exp(-(c / alpha)^beta), fitted by least squares (row 7) and by maximum
likelihood (the project's weibull_threshold metric), on coherences > 0.

Usage: python bench/ww2006_prestim_threshold.py --prestim 0 0.1 0.5 --seeds 1 2 3
"""
from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import curve_fit, minimize

COH = np.array([0.0, 3.2, 6.4, 12.8, 25.6, 51.2])
J11, J12, I0, TAU_S, GAMMA = 0.2609, 0.0497, 0.3255, 0.1, 0.641
TAU_AMPA, SIGMA, JEXT, MU0 = 0.002, 0.02, 5.2e-4, 30.0
A, B, D, THR = 270.0, 108.0, 0.154, 15.0


def H(x):
    y = A * x - B
    return y / (1.0 - np.exp(-D * y))


def simulate(prestim_s, n_per, seed, t_stim=2.0, dt=0.5e-3):
    rng = np.random.default_rng(seed)
    c = np.repeat(COH, n_per)
    n = c.size
    # resting fixed point S* (no stimulus, no noise), by fixed-point iteration on the low branch
    s = 0.1
    for _ in range(2000):
        r = H(I0 + (J11 - J12) * s)
        s = s + 1e-3 * (-s / TAU_S + (1 - s) * GAMMA * r)
    s1 = np.full(n, s); s2 = np.full(n, s)
    n1 = np.zeros(n); n2 = np.zeros(n)
    n_pre = int(round(prestim_s / dt)); n_st = int(round(t_stim / dt))
    i1 = JEXT * MU0 * (1 + c / 100); i2 = JEXT * MU0 * (1 - c / 100)
    k = np.sqrt(dt / TAU_AMPA) * SIGMA
    choice = np.full(n, -1); rt = np.full(n, np.nan)
    tail1 = np.zeros(n); tail2 = np.zeros(n); n_tail = 0
    for step in range(n_pre + n_st):
        on = step >= n_pre
        x1 = J11 * s1 - J12 * s2 + I0 + n1 + (i1 if on else 0.0)
        x2 = J11 * s2 - J12 * s1 + I0 + n2 + (i2 if on else 0.0)
        r1, r2 = H(x1), H(x2)
        if on and (step - n_pre) % 2 == 0:       # readout sampled every 1 ms, as the model's monitor
            und = choice < 0
            c1 = und & (r1 >= THR); c2 = und & (r2 >= THR)
            both = c1 & c2
            choice[c1 & ~c2] = 0; choice[c2 & ~c1] = 1
            choice[both] = np.where(r1[both] > r2[both], 0, 1)
            rt[c1 | c2] = (step - n_pre) * dt * 1e3
            if step - n_pre >= 0.9 * n_st:
                tail1 += r1; tail2 += r2; n_tail += 1
        s1 = s1 + dt * (-s1 / TAU_S + (1 - s1) * GAMMA * r1)
        s2 = s2 + dt * (-s2 / TAU_S + (1 - s2) * GAMMA * r2)
        n1 = n1 - n1 * dt / TAU_AMPA + k * rng.standard_normal(n)
        n2 = n2 - n2 * dt / TAU_AMPA + k * rng.standard_normal(n)
    none = choice < 0
    choice[none] = np.where(tail1[none] >= tail2[none], 0, 1)
    return c, choice, rt


def weibull(c, alpha, beta):
    return 1 - 0.5 * np.exp(-(c / alpha) ** beta)


def fits(c, choice, n_per):
    pos = COH[COH > 0]
    k = np.array([np.sum(choice[c == x] == 0) for x in pos])
    p = k / n_per
    (a_ls, b_ls), _ = curve_fit(weibull, pos, p, p0=(8.0, 1.5), bounds=([0.1, 0.1], [100, 10]))

    def nll(th):
        pp = np.clip(weibull(pos, np.exp(th[0]), np.exp(th[1])), 1e-9, 1 - 1e-9)
        return -np.sum(k * np.log(pp) + (n_per - k) * np.log(1 - pp))
    res = minimize(nll, x0=np.log([a_ls, b_ls]), method="Nelder-Mead")
    return a_ls, b_ls, float(np.exp(res.x[0])), float(np.exp(res.x[1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prestim", type=float, nargs="+", default=[0.0, 0.1, 0.5], help="pre-stimulus periods (s)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--n-per", type=int, default=2000, help="trials per coherence")
    a = ap.parse_args()
    for pre in a.prestim:
        for sd in a.seeds:
            c, ch, rt = simulate(pre, a.n_per, sd)
            a_ls, b_ls, a_ml, b_ml = fits(c, ch, a.n_per)
            p0 = np.mean(ch[c == 0] == 0)
            rt0 = np.nanmean(rt[c == 0])     # at 0 % every choice counts (no correct side)
            rt51 = np.nanmean(rt[(c == 51.2) & (ch == 0)])
            print(f"prestim {pre:.2f} s seed {sd}: alpha LS {a_ls:.2f} (beta {b_ls:.2f}) ML {a_ml:.2f} "
                  f"(beta {b_ml:.2f}); P(A)@0 {p0:.3f}; DT 0% {rt0:.0f} ms, 51.2% {rt51:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
