
{
    const char* _attnsim_s = std::getenv("ATTNSIM_SEED_{NAME}");
    unsigned long _attnsim_seed = _attnsim_s ? std::strtoul(_attnsim_s, 0, 10) : 0UL;
    for (int _i = 0; _i < (int)brian::_random_generators.size(); _i++)
        brian::_random_generators[_i].seed(_attnsim_seed * 1000003UL + _i);
}
