#include "train.h"
