// Package atomicfile replaces files so that a reader, or the disk after a
// crash, sees either the old contents or all of the new ones, never a mix.
//
// It owns one function, Write. Callers create the directory first and add
// their own package prefix to the errors it returns.
package atomicfile
