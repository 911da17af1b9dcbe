// Compile-time test hook for the fuzzers (native/fuzz): marks the points between two
// loads of shared memory where another process could change the segment. A fuzz
// harness defines SHMSCOPE_FUZZ_HOOKS and FuzzBetweenLoads() to mutate its image
// exactly there, deterministically, and FuzzNowMs() to pin the wall clock. The addon
// never defines SHMSCOPE_FUZZ_HOOKS, so in production the macro is an empty statement,
// NowMs() reads the real clock, and behaviour is unchanged.
#pragma once
#include <cstdint>

#ifdef SHMSCOPE_FUZZ_HOOKS
namespace shmscope::chan {
void FuzzBetweenLoads();
// The wall clock of a fuzz build (NowMs): a harness may pin it (non-zero), so the
// record times an input produces are part of the input, not of the date it runs on.
uint64_t FuzzNowMs();
}  // namespace shmscope::chan
#define SHMSCOPE_BETWEEN_LOADS() ::shmscope::chan::FuzzBetweenLoads()
#else
#define SHMSCOPE_BETWEEN_LOADS() ((void)0)
#endif
