
static inline double attnsim_ndtri_fast(double p)
{
    double q, r, x, e, u, s = 1.0;
    if (p > 0.5) { p = 1.0 - p; s = -1.0; }
    if (p < P_LOW) {
        q = std::sqrt(-2.0 * std::log(p));
        x = (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) /
            ((((D0 * q + D1) * q + D2) * q + D3) * q + 1.0);
    } else {
        q = p - 0.5;
        r = q * q;
        x = (((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q /
            (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1.0);
    }
    return s * x;
}

static inline double attnsim_ndtri_fast_central(double p)
{
    double q, r, x, s = 1.0;
    if (p > 0.5) { p = 1.0 - p; s = -1.0; }
    q = p - 0.5;
    r = q * q;
    x = (((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q /
        (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1.0);
    return s * x;
}
