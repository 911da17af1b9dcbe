// Compile-time test hook for the fuzzers (native/fuzz): marks the points between two
// loads of shared memory where another process could change the segment. A fuzz
// harness defines SHMSCOPE_FUZZ_HOOKS and FuzzBetweenLoads() to mutate its image
// exactly there, deterministically. The addon never defines SHMSCOPE_FUZZ_HOOKS, so
// in production the macro is an empty statement and behaviour is unchanged.
#pragma once

#ifdef SHMSCOPE_FUZZ_HOOKS
namespace shmscope::chan {
void FuzzBetweenLoads();
}  // namespace shmscope::chan
#define SHMSCOPE_BETWEEN_LOADS() ::shmscope::chan::FuzzBetweenLoads()
#else
#define SHMSCOPE_BETWEEN_LOADS() ((void)0)
#endif
