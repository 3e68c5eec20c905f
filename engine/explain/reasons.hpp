// reasons.hpp — why a program is or is not granted, as Chinese sentences a caseworker reads aloud.
#pragma once
