// A module of its own, for its effect: a function's entry imports it first, and ES modules run in
// the order they are imported, so stacks are mapped from the start, even those of an error a job
// file throws as it loads (which fails the function's init, where no later call could help).
import { installSourceMappedStacks } from './source-mapped-stacks';

installSourceMappedStacks();
