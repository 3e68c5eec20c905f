// notice.cpp — the determination notice (审核确认告知书) for a household and month, as a printable HTML page.
#include "engine/service/notice.hpp"
