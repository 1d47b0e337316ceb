#include "normalize.h"
