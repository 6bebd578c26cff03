/* The program's version, written into every file it produces. */
#ifndef PS_CORE_VERSION_H
#define PS_CORE_VERSION_H

#define PS_VERSION "0.2.0"

#endif
