/*
 * fuzz.h: what every fuzz target in tests/fuzz/ shares.  A target is one
 * file fuzz_<name>.c that defines LLVMFuzzerTestOneInput: libFuzzer calls
 * it in "make fuzz" (clang), and driver.c calls it for every file of the
 * seed corpus and the regression inputs in "make test" (gcc, ASan+UBSan).
 * A target must not keep state between calls, must free what it makes
 * (leaks are reported), and returns 0.  A broken invariant (say, a
 * canonical form that does not parse again) calls fuzz_fail(), which
 * aborts so both runners report the input.
 */
#ifndef RS_TESTS_FUZZ_H
#define RS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a new NUL-terminated string (caller frees). */
char	*fuzz_strdup(const uint8_t *data, size_t size);

/*
 * Splits off the part before the first '\n' (or all of it): *head is a
 * new string (caller frees), *rest and *restlen what follows.
 */
char	*fuzz_head(const uint8_t *data, size_t size, const uint8_t **rest,
	    size_t *restlen);

/* Prints "fuzz: invariant broken: <what>" and aborts. */
void	fuzz_fail(const char *what, const char *detail)
	    __attribute__((noreturn));

#endif
