/**
 * Data-parallel training on libtorch's distributed runtime (c10d), below the trainer: {@link
 * dev.jtune.distributed.DistributedConfig} (torchrun's {@code MASTER_ADDR}, {@code MASTER_PORT}, {@code WORLD_SIZE},
 * {@code RANK}, {@code LOCAL_RANK}, or flags), {@link dev.jtune.distributed.ProcessGroupContext} (a {@code TCPStore}
 * rendezvous and a Gloo process group: allreduce, broadcast, barrier, the row gather of sharded evaluation, each a c10d
 * call, and the failure diagnosis that names a dead rank), {@link dev.jtune.distributed.DistributedSampler} (PyTorch's
 * sharding of the training order, and of the eval set: sequential, padded, truncated back) and
 * {@link dev.jtune.distributed.PeerFailure}. The trainer decides what is reduced and when ({@code TrainingLoop}).
 */
package dev.jtune.distributed;
