// Stand-in for the 'electron' module in tests: the real one downloads a binary when loaded.
export {};
