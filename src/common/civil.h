/*
 * civil.h: proleptic Gregorian calendar arithmetic without time zones:
 * a civil date to the number of days since 1970-01-01 and back (the
 * well-known era/day-of-era method).  Shared by expr (DateTime values)
 * and sched (candidate days of recurrences).
 */
#ifndef RS_COMMON_CIVIL_H
#define RS_COMMON_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of y-m-d (m 1..12); negative before. */
int64_t	rs_days_from_civil(int64_t y, int m, int d);
/* The civil date of a day number. */
void	rs_civil_from_days(int64_t days, int *y, int *m, int *d);

#endif
