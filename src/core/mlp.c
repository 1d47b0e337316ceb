#include "mlp.h"
