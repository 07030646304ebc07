/* Functions scalelab never calls: included last in every .c file. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_BANNED_H
#define SL_BANNED_H

#define SL_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) SL_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SL_BANNED(strcat)
#undef sprintf
#define sprintf(...) SL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SL_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SL_BANNED(strtok)
#undef gmtime
#define gmtime(x) SL_BANNED(gmtime)
#undef localtime
#define localtime(x) SL_BANNED(localtime)

#endif
