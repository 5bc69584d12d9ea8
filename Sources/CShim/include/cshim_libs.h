#ifndef SWRUN_CSHIM_LIBS_H
#define SWRUN_CSHIM_LIBS_H
#include <seccomp.h>
#include <sys/capability.h>
#endif
