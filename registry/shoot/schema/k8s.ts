/**
 * The Kubernetes API types the Gardener schemas reference, under their upstream definition names
 * (the aggregator merges definitions by name). Descriptions are our own.
 */
import type { Definitions } from '../../../openapi/schema.js';
import { obj, str, strList, time } from './helpers.js';

export const OBJECT_REFERENCE = 'io.k8s.api.core.v1.ObjectReference';
export const CROSS_VERSION_OBJECT_REFERENCE = 'io.k8s.api.autoscaling.v1.CrossVersionObjectReference';
export const TAINT = 'io.k8s.api.core.v1.Taint';
export const LABEL_SELECTOR_REQUIREMENT = 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement';

/** The Kubernetes definitions, keyed by name. */
export const k8sDefinitions: Definitions = {
  [OBJECT_REFERENCE]: {
    ...obj('Points at an object of any kind.', {
      apiVersion: str('API version of the referenced object.'),
      fieldPath: str('Path to a part of the object, such as a container, instead of the whole object.'),
      kind: str('Kind of the referenced object.'),
      name: str('Name of the referenced object.'),
      namespace: str('Namespace of the referenced object.'),
      resourceVersion: str('Specific resourceVersion of the object the reference was made to.'),
      uid: str('UID of the referenced object.'),
    }),
    'x-kubernetes-map-type': 'atomic',
  },
  [CROSS_VERSION_OBJECT_REFERENCE]: {
    ...obj(
      'Points at an object in the same namespace by apiVersion, kind and name.',
      {
        apiVersion: str('API version of the referenced object.'),
        kind: str('Kind of the referenced object.'),
        name: str('Name of the referenced object.'),
      },
      ['kind', 'name'],
    ),
    'x-kubernetes-map-type': 'atomic',
  },
  [TAINT]: obj(
    'A taint on a node: pods that do not tolerate it are affected according to its effect.',
    {
      effect: str('What happens to pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or NoExecute.'),
      key: str('Key of the taint.'),
      timeAdded: time('When a NoExecute taint was added; set by the system.'),
      value: str('Value of the taint.'),
    },
    ['key', 'effect'],
  ),
  [LABEL_SELECTOR_REQUIREMENT]: obj(
    'One condition on a label: a key, an operator and values.',
    {
      key: str('Label key the condition is about.'),
      operator: str('How the label relates to the values: In, NotIn, Exists or DoesNotExist.'),
      values: { ...strList('Values to compare with; empty for Exists and DoesNotExist.'), 'x-kubernetes-list-type': 'atomic' },
    },
    ['key', 'operator'],
  ),
};
