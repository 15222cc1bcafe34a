/**
 * Kubernetes feature gates by the versions they exist in and, once locked to their default, the version
 * and value they are locked at: Kubernetes' published feature list as Gardener tracks it at b312835d17.
 * A gate outside its range is refused; a locked gate may only be set to its locked value.
 */
import { FieldPath, fieldErr, type FieldError } from '../../apimachinery/field.js';
import { compareVersions, SemVerError } from '../../apimachinery/semver.js';
import { rangeContains, readTable } from './table.js';

// name, added in, removed in, locked to default in=value
const FEATURE_GATES = readTable(`
AllAlpha                                             1.17  -     -
AllBeta                                              1.17  -     -
AdmissionWebhookMatchConditions                      -     1.33  1.30=true
AggregatedDiscoveryRemoveBetaType                    1.33  -     1.35=true
AllowDNSOnlyNodeCSR                                  1.31  -     -
AllowInsecureKubeletCertificateSigningRequests       1.31  -     -
AllowOverwriteTerminationGracePeriodSeconds          1.32  -     1.35=false
AllowServiceLBStatusOnNonLB                          1.29  1.35  1.32=false
AllowUnsafeMalformedObjectDeletion                   1.32  -     -
AllowParsingUserUIDFromCertAuth                      1.33  -     -
AllowServiceExternalIPs                              1.36  -     -
APIListChunking                                      -     1.33  1.29=true
APIPriorityAndFairness                               -     1.31  1.29=true
APIResponseCompression                               -     -     -
APIServerIdentity                                    -     -     -
APIServerTracing                                     -     -     1.34=true
APIServingWithRoutine                                1.30  -     -
AggregatedDiscoveryEndpoint                          -     1.33  1.30=true
AnonymousAuthConfigurableEndpoints                   1.31  -     1.34=true
AnyVolumeDataSource                                  -     -     1.33=true
AppArmor                                             -     1.33  1.31=true
AppArmorFields                                       1.30  1.33  1.31=true
AuthorizePodWebsocketUpgradeCreatePermission         1.35  -     -
AuthorizeNodeWithSelectors                           1.31  -     1.34=true
AuthorizeWithSelectors                               1.31  -     1.34=true
BtreeWatchCache                                      1.32  -     1.33=true
CBORServingAndStorage                                1.32  -     -
ChangeContainerStatusOnKubeletRestart                1.35  -     -
ClearingNominatedNodeNameAfterBinding                1.34  -     -
CloudControllerManagerWatchBasedRoutesReconciliation 1.35  -     -
CloudControllerManagerWebhook                        -     -     -
CloudDualStackNodeIPs                                -     1.32  1.30=true
ClusterTrustBundle                                   -     -     -
ClusterTrustBundleProjection                         1.29  -     -
ComponentFlagz                                       1.32  -     -
ComponentSLIs                                        -     1.35  -
ComponentStatusz                                     1.32  -     -
ConcurrentWatchObjectDecode                          1.31  -     -
ConstrainedImpersonation                             1.35  -     -
ContainerCheckpoint                                  -     -     -
ContainerRestartRules                                1.34  -     -
ContainerStopSignals                                 1.33  -     -
ContextualLogging                                    -     -     1.30=true
ControllerManagerReleaseLeaderElectionLockOnExit     1.36  -     -
ConsistentHTTPGetHandlers                            1.26  1.31  1.30=true
ConsistentListFromCache                              1.28  -     1.34=true
CoordinatedLeaderElection                            1.31  -     -
CPUManager                                           -     1.33  1.26=true
CPUManagerPolicyAlphaOptions                         -     -     -
CPUManagerPolicyBetaOptions                          -     -     -
CPUManagerPolicyOptions                              -     -     1.33=true
CRDObservedGenerationTracking                        1.35  -     -
CRDValidationRatcheting                              1.28  -     1.33=true
CRIListStreaming                                     1.36  -     -
CronJobsScheduledAnnotation                          1.28  1.35  1.32=true
CrossNamespaceVolumeDataSource                       -     -     -
CSIMigrationPortworx                                 -     1.36  1.33=true
CSIMigrationRBD                                      -     1.31  -
CSINodeExpandSecret                                  -     1.31  1.29=true
CSIServiceAccountTokenSecrets                        1.35  -     1.36=true
CSIVolumeHealth                                      -     -     -
CustomCPUCFSQuotaPeriod                              -     -     -
CustomResourceFieldSelectors                         1.30  -     1.32=true
CustomResourceValidationExpressions                  -     1.31  1.29=true
DeclarativeValidation                                1.33  -     1.36=true
DeclarativeValidationTakeover                        1.33  -     -
DeclarativeValidationBeta                            1.36  -     -
DefaultHostNetworkHostPortsInPodTemplates            1.28  1.31  -
DeploymentReplicaSetTerminatingReplicas              1.33  -     -
DetectCacheInconsistency                             1.34  -     -
DevicePluginCDIDevices                               1.28  1.34  1.31=true
DisableAllocatorDualWrite                            1.31  -     1.35=true
DisableCloudProviders                                -     1.33  1.31=true
DisableCPUQuotaWithExclusiveCPUs                     1.33  -     -
DisableKubeletCloudCredentialProviders               -     1.33  1.31=true
DisableNodeKubeProxyVersion                          1.29  -     1.36=true
DRAAdminAccess                                       1.32  -     1.36=true
DRAConsumableCapacity                                1.34  -     -
DRAControlPlaneController                            1.26  1.32  -
DRADeviceBindingConditions                           1.34  -     -
DRADeviceTaintRules                                  1.35  -     -
DRADeviceTaints                                      1.33  -     -
DRAExtendedResource                                  1.34  -     -
DRAListTypeAttributes                                1.36  -     -
DRANodeAllocatableResources                          1.36  -     -
DRAPartitionableDevices                              1.33  -     -
DRAPrioritizedList                                   1.33  -     -
DRAResourceClaimDeviceStatus                         1.32  -     -
DRAResourceClaimGranularStatusAuthorization          1.36  -     -
DRAResourcePoolStatus                                1.36  -     -
DRASchedulerFilterTimeout                            1.34  -     -
DRAWorkloadResourceClaims                            1.36  -     -
DynamicResourceAllocation                            -     -     1.35=true
EfficientWatchResumption                             -     1.33  1.24=true
ElasticIndexedJob                                    -     1.34  1.31=true
EnvFiles                                             1.34  -     -
EventedPLEG                                          -     -     -
ExecProbeTimeout                                     -     -     1.35=true
ExtendWebSocketsToKubelet                            1.36  -     -
ExternalServiceAccountTokenSigner                    1.32  -     1.36=true
GangScheduling                                       1.35  -     -
GenericWorkload                                      1.35  -     -
GitRepoVolumeDriver                                  1.33  -     1.36=false
GracefulNodeShutdown                                 -     -     -
GracefulNodeShutdownBasedOnPodPriority               -     -     -
HonorPVReclaimPolicy                                 -     1.36  1.33=true
HostnameOverride                                     1.34  -     -
HPAConfigurableTolerance                             1.33  -     -
HPAContainerMetrics                                  1.20  1.32  1.30=true
HPAScaleToZero                                       -     -     -
ImageMaximumGCAge                                    1.29  -     1.35=true
ImageVolume                                          1.31  -     1.36=true
ImageVolumeWithDigest                                1.36  -     -
InPlacePodLevelResourcesVerticalScaling              1.35  -     -
InPlacePodVerticalScaling                            1.27  -     1.35=true
InPlacePodVerticalScalingAllocatedStatus             1.32  1.36  -
InPlacePodVerticalScalingExclusiveCPUs               1.32  -     -
InPlacePodVerticalScalingExclusiveMemory             1.34  -     -
InPlacePodVerticalScalingInitContainers              1.36  -     -
InTreePluginAWSUnregister                            -     1.31  -
InTreePluginAzureDiskUnregister                      -     1.31  -
InTreePluginAzureFileUnregister                      -     1.31  -
InTreePluginGCEUnregister                            -     1.31  -
InTreePluginOpenStackUnregister                      -     1.31  -
InTreePluginPortworxUnregister                       -     1.36  -
InTreePluginRBDUnregister                            -     1.31  -
InTreePluginvSphereUnregister                        -     1.31  -
InformerResourceVersion                              1.30  -     -
JobBackoffLimitPerIndex                              1.28  -     1.33=true
JobManagedBy                                         1.30  -     1.35=true
JobPodFailurePolicy                                  -     1.33  1.31=true
JobPodReplacementPolicy                              1.28  -     1.34=true
JobReadyPods                                         -     1.31  1.29=true
JobSuccessPolicy                                     1.30  -     1.33=true
KMSv1                                                1.28  -     -
KMSv2                                                1.25  1.32  1.29=true
KMSv2KDF                                             1.28  1.32  1.29=true
KubeletEnsureSecretPulledImages                      1.33  -     -
KubeletCgroupDriverFromCRI                           1.28  -     1.34=true
KubeletCrashLoopBackOffMax                           1.32  -     -
KubeletFineGrainedAuthz                              1.32  -     1.36=true
KubeletInUserNamespace                               -     -     -
KubeletPodResourcesDynamicResources                  -     -     1.36=true
KubeletPodResourcesListUseActivePods                 1.34  -     -
KubeletPodResourcesGet                               -     -     1.36=true
KubeletPSI                                           1.33  -     1.36=true
KubeletRegistrationGetOnExistsOnly                   1.32  -     -
KubeletSeparateDiskGC                                1.29  -     -
KubeletServiceAccountTokenForCredentialProviders     1.33  -     -
KubeletTracing                                       -     -     1.34=true
KubeProxyDrainingTerminatingNodes                    1.28  1.33  1.31=true
LegacyServiceAccountTokenCleanUp                     1.28  1.32  1.30=true
LegacySidecarContainers                              1.33  1.34  -
LoadBalancerIPMode                                   1.29  1.35  1.32=true
ListFromCacheSnapshot                                1.33  -     -
LocalStorageCapacityIsolationFSQuotaMonitoring       -     -     -
LogarithmicScaleDown                                 -     -     1.31=true
MatchLabelKeysInPodAffinity                          1.29  -     1.33=true
MatchLabelKeysInPodTopologySpread                    -     -     -
MatchLabelKeysInPodTopologySpreadSelectorMerge       1.34  -     -
ManifestBasedAdmissionControlConfig                  1.36  -     -
MaxUnavailableStatefulSet                            -     -     -
MemoryManager                                        1.21  1.36  1.32=true
MemoryQoS                                            -     -     -
MinDomainsInPodTopologySpread                        1.24  1.32  1.30=true
MultiCIDRServiceAllocator                            -     -     1.34=true
MutableCSINodeAllocatableCount                       1.33  -     1.36=true
MutablePodResourcesForSuspendedJobs                  1.35  -     -
MutablePVNodeAffinity                                1.35  -     -
MutableSchedulingDirectivesForSuspendedJobs          1.35  -     -
MutatingAdmissionPolicy                              1.30  -     -
NativeHistograms                                     1.36  -     -
NewVolumeManagerReconstruction                       1.25  1.32  1.30=true
NFTablesProxyMode                                    1.29  -     1.33=true
NodeDeclaredFeatures                                 1.35  -     -
NodeInclusionPolicyInPodTopologySpread               -     -     1.33=true
NodeLogQuery                                         -     -     1.36=true
NodeOutOfServiceVolumeDetach                         1.24  1.32  1.28=true
NodeSwap                                             -     -     1.34=true
NominatedNodeNameForExpectation                      1.34  -     -
OpenAPIEnums                                         -     -     -
OpportunisticBatching                                1.35  -     -
OrderedNamespaceDeletion                             1.33  -     1.34=true
PDBUnhealthyPodEvictionPolicy                        -     1.33  1.31=true
PersistentVolumeClaimUnusedSinceTime                 1.36  -     -
PLEGOnDemandRelist                                   1.36  -     -
PersistentVolumeLastPhaseTransitionTime              1.28  1.33  1.31=true
PodAndContainerStatsFromCRI                          -     -     -
PodCertificateRequest                                1.34  -     -
PodDeletionCost                                      -     -     -
PodDisruptionConditions                              -     1.34  1.31=true
PodHostIPs                                           1.28  1.32  1.30=true
PodIndexLabel                                        1.28  1.35  1.32=true
PodLevelResources                                    1.32  -     -
PodLevelResourceManagers                             1.36  -     -
PodLifecycleSleepAction                              1.29  -     1.34=true
PodLifecycleSleepActionAllowZero                     1.32  -     1.34=true
PodLogsQuerySplitStreams                             1.32  -     -
PodObservedGenerationTracking                        1.33  -     1.35=true
PodReadyToStartContainersCondition                   1.28  -     -
PodSchedulingReadiness                               -     -     1.30=true
PodsAPI                                              1.36  -     -
PodTopologyLabelsAdmission                           1.33  -     -
PortForwardWebsockets                                1.30  -     -
PreferAlignCpusByUncoreCache                         1.32  -     -
PreferSameTrafficDistribution                        1.33  -     1.35=true
PreventStaticPodAPIReferences                        1.34  -     -
ProbeHostPodSecurityStandards                        1.34  1.35  1.34=true
ProcMountType                                        -     -     1.36=true
QOSReserved                                          -     -     -
ReadWriteOncePod                                     -     1.31  1.29=true
RecoverVolumeExpansionFailure                        1.28  -     1.34=true
RecursiveReadOnlyMounts                              1.30  -     1.33=true
ReduceDefaultCrashLoopBackOffDecay                   1.33  -     -
RelaxedDNSSearchValidation                           1.32  -     1.34=true
RelaxedEnvironmentVariableValidation                 1.30  -     1.34=true
RelaxedServiceNameValidation                         1.34  -     -
ReloadKubeletServerCertificateFile                   1.31  -     -
ReloadKubeletClientCAFile                            1.36  -     -
RemainingItemCount                                   -     1.33  1.29=true
RemoteRequestHeaderUID                               1.32  -     -
ResilientWatchCacheInitialization                    1.31  -     1.34=true
ResourceHealthStatus                                 1.31  -     -
ResourceHealthStatusMessage                          1.36  -     -
RestartAllContainersOnContainerExits                 1.35  -     -
RetryGenerateName                                    1.30  -     1.32=true
RotateKubeletServerCertificate                       -     -     -
RuntimeClassInImageCriApi                            1.29  -     -
SchedulerAsyncAPICalls                               1.34  -     -
SchedulerAsyncPreemption                             1.32  -     -
SchedulerPopFromBackoffQ                             1.33  -     -
SchedulerQueueingHints                               1.28  -     1.34=true
SELinuxChangePolicy                                  1.32  -     1.36=true
SELinuxMount                                         1.30  -     -
SELinuxMountReadWriteOncePod                         -     -     1.29=true
SeparateCacheWatchRPC                                1.28  -     1.36=false
SeparateTaintEvictionController                      1.29  -     1.34=true
ShardedListAndWatch                                  1.36  -     -
ServerSideApply                                      1.14  1.32  1.22=true
ServerSideFieldValidation                            1.23  1.32  1.27=true
ServiceAccountNodeAudienceRestriction                1.32  -     -
ServiceAccountTokenJTI                               1.29  -     1.32=true
ServiceAccountTokenNodeBinding                       1.29  -     1.33=true
ServiceAccountTokenNodeBindingValidation             1.29  -     1.32=true
ServiceAccountTokenPodNodeInfo                       1.29  -     1.32=true
ServiceCIDRStatusFieldWiping                         1.36  -     -
ServiceNodePortStaticSubrange                        -     1.31  1.29=true
ServiceTrafficDistribution                           1.30  1.36  1.33=true
SidecarContainers                                    1.28  -     1.33=true
SizeBasedListCostEstimate                            1.34  -     -
SizeMemoryBackedVolumes                              1.20  1.35  1.32=true
SkipReadOnlyValidationGCE                            1.28  1.31  -
StableLoadBalancerNodeSet                            -     1.32  1.30=true
StaleControllerConsistencyDaemonSet                  1.36  -     -
StaleControllerConsistencyJob                        1.36  -     -
StaleControllerConsistencyReplicaSet                 1.36  -     -
StaleControllerConsistencyStatefulSet                1.36  -     -
StatefulSetAutoDeletePVC                             1.23  1.35  1.32=true
StatefulSetStartOrdinal                              -     1.34  1.31=true
StorageCapacityScoring                               1.33  -     -
StorageNamespaceIndex                                1.30  -     -
StorageVersionAPI                                    -     -     -
StorageVersionHash                                   -     -     -
StorageVersionMigrator                               1.30  -     -
StreamingCollectionEncodingToJSON                    1.33  -     1.34=true
StreamingCollectionEncodingToProtobuf                1.33  -     1.34=true
StrictCostEnforcementForVAP                          1.30  1.35  1.32=true
StrictCostEnforcementForWebhooks                     1.30  1.35  1.32=true
StrictIPCIDRValidation                               1.33  -     -
StructuredAuthenticationConfiguration                1.29  -     1.34=true
StructuredAuthenticationConfigurationEgressSelector  1.34  -     -
StructuredAuthenticationConfigurationJWKSMetrics     1.35  -     -
StructuredAuthorizationConfiguration                 1.29  1.36  1.32=true
SupplementalGroupsPolicy                             1.31  -     1.35=true
SystemdWatchdog                                      1.32  -     1.35=true
TaintTolerationComparisonOperators                   1.35  -     -
TokenRequestServiceAccountUIDValidation              1.34  -     -
TopologyAwareHints                                   -     1.36  1.33=true
TopologyAwareWorkloadScheduling                      1.36  -     -
TopologyManagerPolicyAlphaOptions                    -     -     -
TopologyManagerPolicyBetaOptions                     -     -     -
TopologyManagerPolicyOptions                         -     -     1.32=true
TranslateStreamCloseWebsocketRequests                1.29  -     -
UnauthenticatedHTTP2DOSMitigation                    -     -     -
UnknownVersionInteroperabilityProxy                  1.28  -     -
UserNamespacesHostNetworkSupport                     1.35  -     -
UserNamespacesPodSecurityStandards                   1.29  1.35  -
UserNamespacesSupport                                1.28  -     1.36=true
ValidatingAdmissionPolicy                            -     1.32  1.30=true
VolumeAttributesClass                                1.29  -     1.36=true
VolumeCapacityPriority                               -     1.33  -
VolumeLimitScaling                                   1.35  -     -
WatchBookmark                                        -     1.33  1.17=true
WatchCacheInitializationPostStartHook                1.31  -     -
WatchFromStorageWithoutResourceVersion               -     1.36  1.33=false
WatchList                                            -     -     -
WatchListClient                                      1.30  -     -
WinDSR                                               -     -     1.34=true
WinOverlay                                           -     -     1.34=true
WindowsCPUAndMemoryAffinity                          1.32  -     -
WindowsGracefulNodeShutdown                          1.32  -     -
WindowsHostNetwork                                   -     -     -
WorkloadAwarePreemption                              1.36  -     -
WorkloadWithJob                                      1.36  -     -
ZeroLimitedNominalConcurrencyShares                  1.29  1.32  1.30=true`);

/** Whether `gate` is known. */
export function isKnownFeatureGate(gate: string): boolean {
  return FEATURE_GATES.has(gate);
}

function lockedValue(flags: readonly string[], version: string): boolean | undefined {
  const lock = flags[0];
  if (lock === undefined) return undefined;
  const [since = '', value] = lock.split('=');
  return compareVersions(version, '>=', since) ? value === 'true' : undefined;
}

/** One gate's error against `version`, or undefined. */
function gateError(gate: string, enabled: boolean, version: string, path: FieldPath): FieldError | undefined {
  const entry = FEATURE_GATES.get(gate);
  if (entry === undefined) return fieldErr.invalid(path, gate, `unknown feature gate ${gate}`);
  try {
    if (!rangeContains(entry, version)) return fieldErr.forbidden(path, `not supported in Kubernetes version ${version}`);
    const locked = lockedValue(entry.flags, version);
    if (locked !== undefined && enabled !== locked) {
      return fieldErr.forbidden(path, `cannot set feature gate to ${enabled}, feature is locked to ${locked}`);
    }
  } catch (e: unknown) {
    if (e instanceof SemVerError) return fieldErr.invalid(path, gate, e.message);
    throw e;
  }
  return undefined;
}

/** Feature gates of a Kubernetes component for `version` (Gardener's ValidateFeatureGates). */
export function validateFeatureGates(gates: Readonly<Record<string, unknown>> | undefined, version: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [gate, enabled] of Object.entries(gates ?? {})) {
    const e = gateError(gate, enabled === true, version, path.child(gate));
    if (e !== undefined) errs.push(e);
  }
  return errs;
}

/** Feature gates the vertical pod autoscaler knows. */
const VPA_FEATURE_GATES: ReadonlySet<string> = new Set(['CPUStartupBoost', 'InPlace', 'PerVPAConfig']);

/** VPA feature gates: only the first unknown one is reported. */
export function validateVPAFeatureGates(gates: Readonly<Record<string, unknown>> | undefined, path: FieldPath): FieldError[] {
  const unknown = Object.keys(gates ?? {}).find((g) => !VPA_FEATURE_GATES.has(g));
  return unknown === undefined ? [] : [fieldErr.invalid(path.child(unknown), unknown, 'unknown feature gate')];
}
