
from libc.math cimport erfc as _attnsim_erfc
cdef double attnsim_ndtri(double p):
    cdef double q, r, x, e, u, s
    s = 1.0
    if p > 0.5:
        p = 1.0 - p
        s = -1.0
    if p < P_LOW:
        q = sqrt(-2.0 * log(p))
        x = (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / \
            ((((D0 * q + D1) * q + D2) * q + D3) * q + 1.0)
    else:
        q = p - 0.5
        r = q * q
        x = (((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q / \
            (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1.0)
    e = 0.5 * _attnsim_erfc(-x / 1.4142135623730951) - p
    u = e * 2.5066282746310002 * exp(0.5 * x * x)
    x = x - u / (1.0 + 0.5 * x * u)
    return s * x
