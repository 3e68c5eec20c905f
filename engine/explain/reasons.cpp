// reasons.cpp — why a program is or is not granted, as Chinese sentences a caseworker reads aloud.
#include "engine/explain/reasons.hpp"
