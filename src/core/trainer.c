#include "trainer.h"
