// Package neuron runs a subnet's miners and validators: the base loops of
// Bittensor's subnet template (sdk-spec §8) on gotensor's SDK.
package neuron
