#include "idx.h"
